# One customer-managed key for the data at rest: objects, queues, database,
# backups. Rotated yearly by AWS.
resource "aws_kms_key" "data" {
  description             = "sora-${var.environment}: data at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
}

resource "aws_kms_alias" "data" {
  name          = "alias/sora-${var.environment}"
  target_key_id = aws_kms_key.data.key_id
}

data "aws_iam_policy_document" "kms" {
  # checkov:skip=CKV_AWS_111: a key policy's "*" is the key itself; the account root keeps it manageable
  # checkov:skip=CKV_AWS_356: a key policy's "*" is the key itself; the account root keeps it manageable
  # checkov:skip=CKV_AWS_109: a key policy's "*" is the key itself; the account root keeps it manageable
  # The account administers the key; the services' roles get their use of
  # it from their own policies (iam.tf), through the services that call KMS.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

# The replica bucket's region needs a key of its own.
resource "aws_kms_key" "replica" {
  provider                = aws.replica
  description             = "sora-${var.environment}: replica of the marketplace bucket"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
}
