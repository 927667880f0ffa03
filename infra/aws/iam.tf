# One role per service, assumed by that service's Kubernetes service account
# only (IRSA), with what the service does and nothing more:
#   every service  publishes events: sends to the three queues, reads their tags
#                  (who subscribes to what) and lists the `sora-` queues;
#   a consumer     receives from, deletes from and tags its own queue, and sets
#                  its attributes (the redrive policy it checks at start);
#   file-server    reads and writes the marketplace bucket's objects;
#   backup         writes the daily logical backups.
# Plus the replication role of S3 and, when var.github_repository is set, the
# pipeline's role that may only deploy into var.namespace.

locals {
  services = {
    file-server    = { consumes = null }
    feedback-api   = { consumes = "feedback_stats" }
    admin-api      = { consumes = "admin_audit" }
    recommendation = { consumes = "recommendation" }
  }
  arn = "arn:${data.aws_partition.current.partition}"
}

data "aws_iam_policy_document" "irsa" {
  for_each = merge(local.services, { backup = { consumes = null } })
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.eks_oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${var.eks_oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.namespace}:sora-${each.key}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${var.eks_oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "service" {
  for_each           = merge(local.services, { backup = { consumes = null } })
  name               = "sora-${var.environment}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.irsa[each.key].json
}

data "aws_iam_policy_document" "service" {
  for_each = local.services

  statement {
    sid       = "FindQueues"
    actions   = ["sqs:ListQueues"]
    resources = ["*"]
  }
  statement {
    sid       = "Publish"
    actions   = ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:ListQueueTags"]
    resources = [for queue in aws_sqs_queue.queue : queue.arn]
  }
  # The bus looks a queue's dead-letter queue up with it; it creates neither
  # when both exist (crates/common/src/events/sqs_bus.rs).
  statement {
    sid       = "FindDeadLetterQueues"
    actions   = ["sqs:GetQueueUrl"]
    resources = [for queue in aws_sqs_queue.dlq : queue.arn]
  }
  statement {
    sid       = "EncryptEvents"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.data.arn]
  }

  dynamic "statement" {
    for_each = each.value.consumes == null ? [] : [each.value.consumes]
    content {
      sid = "Consume"
      actions = [
        "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:CreateQueue",
        "sqs:TagQueue", "sqs:UntagQueue", "sqs:ListQueueTags", "sqs:GetQueueUrl",
      ]
      resources = [aws_sqs_queue.queue[statement.value].arn, aws_sqs_queue.dlq[statement.value].arn]
    }
  }

  dynamic "statement" {
    for_each = each.key == "file-server" ? [1] : []
    content {
      sid       = "MarketplaceObjects"
      actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
      resources = ["${aws_s3_bucket.marketplace.arn}/*"]
    }
  }
  dynamic "statement" {
    for_each = each.key == "file-server" ? [1] : []
    content {
      # Without it a missing object answers 403, not 404.
      sid       = "MarketplaceBucket"
      actions   = ["s3:ListBucket"]
      resources = [aws_s3_bucket.marketplace.arn]
    }
  }
}

resource "aws_iam_role_policy" "service" {
  for_each = local.services
  name     = "sora-${each.key}"
  role     = aws_iam_role.service[each.key].id
  policy   = data.aws_iam_policy_document.service[each.key].json
}

data "aws_iam_policy_document" "backup" {
  statement {
    sid       = "WriteBackups"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.backups.arn}/logical/*"]
  }
  statement {
    sid       = "EncryptBackups"
    actions   = ["kms:GenerateDataKey"]
    resources = [aws_kms_key.data.arn]
  }
}

resource "aws_iam_role_policy" "backup" {
  name   = "sora-backup"
  role   = aws_iam_role.service["backup"].id
  policy = data.aws_iam_policy_document.backup.json
}

# S3 replication of the marketplace and backups buckets to the replica.
resource "aws_iam_role" "replication" {
  name = "sora-${var.environment}-s3-replication"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "s3.amazonaws.com" }
    }]
  })
}

data "aws_iam_policy_document" "replication" {
  statement {
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [aws_s3_bucket.marketplace.arn, aws_s3_bucket.backups.arn]
  }
  statement {
    actions = [
      "s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging",
    ]
    resources = ["${aws_s3_bucket.marketplace.arn}/*", "${aws_s3_bucket.backups.arn}/*"]
  }
  statement {
    actions   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
    resources = ["${aws_s3_bucket.replica.arn}/*"]
  }
  statement {
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.data.arn]
  }
  statement {
    actions   = ["kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.replica.arn]
  }
}

resource "aws_iam_role_policy" "replication" {
  name   = "sora-s3-replication"
  role   = aws_iam_role.replication.id
  policy = data.aws_iam_policy_document.replication.json
}

# The delivery pipeline (.github/workflows/deliver.yml): assumed from the
# repository's `production` environment only, may edit workloads in the
# namespace and nothing else.
data "aws_iam_policy_document" "deploy_trust" {
  count = var.github_repository == "" ? 0 : 1
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.github_oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.github_repository}:environment:production"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  count              = var.github_repository == "" ? 0 : 1
  name               = "sora-${var.environment}-deploy"
  assume_role_policy = data.aws_iam_policy_document.deploy_trust[0].json
}

resource "aws_iam_role_policy" "deploy" {
  count = var.github_repository == "" ? 0 : 1
  name  = "sora-deploy"
  role  = aws_iam_role.deploy[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["eks:DescribeCluster"]
      Resource = "${local.arn}:eks:${var.region}:${data.aws_caller_identity.current.account_id}:cluster/${var.eks_cluster_name}"
    }]
  })
}

resource "aws_eks_access_entry" "deploy" {
  count         = var.github_repository == "" ? 0 : 1
  cluster_name  = var.eks_cluster_name
  principal_arn = aws_iam_role.deploy[0].arn
}

resource "aws_eks_access_policy_association" "deploy" {
  count         = var.github_repository == "" ? 0 : 1
  cluster_name  = var.eks_cluster_name
  principal_arn = aws_iam_role.deploy[0].arn
  policy_arn    = "${local.arn}:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
  access_scope {
    type       = "namespace"
    namespaces = [var.namespace]
  }
}
