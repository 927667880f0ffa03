# The marketplace's objects (extensions, layouts): versioned, encrypted,
# never public, replicated to a second region. Objects are written once and
# never changed; a version replaced or deleted stays recoverable for
# var.noncurrent_version_days. Backups of the database go to a bucket of
# their own.

locals {
  buckets = {
    marketplace = "sora-${var.environment}-marketplace-${data.aws_caller_identity.current.account_id}"
    backups     = "sora-${var.environment}-backups-${data.aws_caller_identity.current.account_id}"
    logs        = "sora-${var.environment}-access-logs-${data.aws_caller_identity.current.account_id}"
    replica     = "sora-${var.environment}-marketplace-replica-${data.aws_caller_identity.current.account_id}"
  }
}

resource "aws_s3_bucket" "marketplace" {
  bucket = local.buckets.marketplace
}

resource "aws_s3_bucket" "backups" {
  bucket = local.buckets.backups
}

resource "aws_s3_bucket" "logs" {
  # checkov:skip=CKV_AWS_144: access logs are not replicated; they are not data to recover
  # checkov:skip=CKV_AWS_18: the access-log bucket does not log its own access
  # checkov:skip=CKV2_AWS_62: nothing subscribes to access-log writes
  # checkov:skip=CKV_AWS_145: S3 server access logging cannot deliver to a KMS-encrypted bucket (SSE-S3 instead)
  bucket = local.buckets.logs
}

resource "aws_s3_bucket" "replica" {
  # checkov:skip=CKV_AWS_144: the replica is the cross-region copy
  # checkov:skip=CKV_AWS_18: access logs must stay in their bucket's region; the replica is written by replication only
  # checkov:skip=CKV2_AWS_62: nothing subscribes to replica writes
  provider = aws.replica
  bucket   = local.buckets.replica
}

locals {
  primary = {
    marketplace = aws_s3_bucket.marketplace.id
    backups     = aws_s3_bucket.backups.id
    logs        = aws_s3_bucket.logs.id
  }
}

resource "aws_s3_bucket_public_access_block" "primary" {
  for_each                = local.primary
  bucket                  = each.value
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_public_access_block" "replica" {
  provider                = aws.replica
  bucket                  = aws_s3_bucket.replica.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "primary" {
  for_each = local.primary
  bucket   = each.value
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "primary" {
  for_each = local.primary
  bucket   = each.value
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_versioning" "replica" {
  provider = aws.replica
  bucket   = aws_s3_bucket.replica.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "primary" {
  for_each = { marketplace = aws_s3_bucket.marketplace.id, backups = aws_s3_bucket.backups.id }
  bucket   = each.value
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
    bucket_key_enabled = true
  }
}

# S3 server access logging cannot deliver to a KMS-encrypted bucket.
resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "replica" {
  provider = aws.replica
  bucket   = aws_s3_bucket.replica.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.replica.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "primary" {
  for_each      = { marketplace = aws_s3_bucket.marketplace.id, backups = aws_s3_bucket.backups.id }
  bucket        = each.value
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "${each.key}/"
}

resource "aws_s3_bucket_lifecycle_configuration" "marketplace" {
  bucket = aws_s3_bucket.marketplace.id
  rule {
    id     = "old-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "replica" {
  provider = aws.replica
  bucket   = aws_s3_bucket.replica.id
  rule {
    id     = "backups-retention"
    status = "Enabled"
    filter {
      prefix = "logical/"
    }
    expiration {
      days = var.logical_backup_retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 7
    }
  }
  rule {
    id     = "old-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "backups" {
  bucket = aws_s3_bucket.backups.id
  rule {
    id     = "retention"
    status = "Enabled"
    filter {}
    expiration {
      days = var.logical_backup_retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 7
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    id     = "retention"
    status = "Enabled"
    filter {}
    expiration {
      days = 90
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

# Nothing subscribes to the buckets' writes: the services publish their own
# events (sora.extension.published.v1, …) through the outbox.
resource "aws_s3_bucket_notification" "primary" {
  for_each    = { marketplace = aws_s3_bucket.marketplace.id, backups = aws_s3_bucket.backups.id }
  bucket      = each.value
  eventbridge = true
}

# Cross-region replication to the replica bucket: the marketplace (objects
# and delete markers) and the backups (a region lost must not take its
# backups with it; their deletions by the lifecycle are not replicated, the
# replica expires `logical/` itself).
resource "aws_s3_bucket_replication_configuration" "primary" {
  for_each = {
    marketplace = { bucket = aws_s3_bucket.marketplace.id, deletes = "Enabled" }
    backups     = { bucket = aws_s3_bucket.backups.id, deletes = "Disabled" }
  }
  depends_on = [aws_s3_bucket_versioning.primary, aws_s3_bucket_versioning.replica]
  role       = aws_iam_role.replication.arn
  bucket     = each.value.bucket
  rule {
    id     = "everything"
    status = "Enabled"
    filter {}
    delete_marker_replication {
      status = each.value.deletes
    }
    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }
    destination {
      bucket        = aws_s3_bucket.replica.arn
      storage_class = "STANDARD_IA"
      encryption_configuration {
        replica_kms_key_id = aws_kms_key.replica.arn
      }
    }
  }
}

# TLS only, on every bucket.
data "aws_iam_policy_document" "tls_only" {
  for_each = merge(local.primary, { replica = aws_s3_bucket.replica.id })
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      "arn:${data.aws_partition.current.partition}:s3:::${each.value}",
      "arn:${data.aws_partition.current.partition}:s3:::${each.value}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
  # S3 server access logs are delivered by the logging service.
  dynamic "statement" {
    for_each = each.key == "logs" ? [1] : []
    content {
      sid       = "AccessLogDelivery"
      actions   = ["s3:PutObject"]
      resources = ["arn:${data.aws_partition.current.partition}:s3:::${each.value}/*"]
      principals {
        type        = "Service"
        identifiers = ["logging.s3.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [data.aws_caller_identity.current.account_id]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "primary" {
  for_each = local.primary
  bucket   = each.value
  policy   = data.aws_iam_policy_document.tls_only[each.key].json
}

resource "aws_s3_bucket_policy" "replica" {
  provider = aws.replica
  bucket   = aws_s3_bucket.replica.id
  policy   = data.aws_iam_policy_document.tls_only["replica"].json
}
