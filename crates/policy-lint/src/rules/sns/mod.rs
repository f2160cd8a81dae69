//! Rules on SNS topics and SQS queues.

pub(crate) mod topic_not_encrypted;
