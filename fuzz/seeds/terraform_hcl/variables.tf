# A small module in three files: a variable with a default, a local, and
# references from one file to another.

variable "site_name" {
  type    = string
  default = "expenses-site-assets"
}

variable "retention_days" {
  default = 7
}

locals {
  tags = {
    project       = "expenses"
    environment   = "test"
    owner         = "team"
    "cost-center" = "42"
  }
}
