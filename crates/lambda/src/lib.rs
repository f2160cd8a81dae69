//! The expense-tracker API handlers (one module per route, see the lambda issue).
