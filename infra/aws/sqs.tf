# The event queues, each with its dead-letter queue, as the services create
# them when missing (crates/common/src/events/sqs_bus.rs): `sora-<queue>` with
# a redrive policy to `sora-<queue>-dlq` after var.max_receives receives and
# a visibility timeout of var.visibility_timeout_seconds. Made here so that
# the services' roles need no right to create queues in the account, and so
# that encryption and retention are set. The services use existing queues as
# they are (they look them up before creating anything), so these attributes
# win over the services' SORA_EVENTS__MAX_RECEIVES and
# SORA_EVENTS__VISIBILITY_TIMEOUT_SECS; keep them equal all the same, so that
# a queue re-created by a service matches.

locals {
  # Consumer queue => the service that consumes it.
  queues = {
    admin_audit    = "admin-api"
    feedback_stats = "feedback-api"
    recommendation = "recommendation"
  }
  queue_prefix = "sora-"
}

resource "aws_sqs_queue" "dlq" {
  for_each                          = local.queues
  name                              = "${local.queue_prefix}${each.key}-dlq"
  message_retention_seconds         = 1209600 # 14 days, the most SQS keeps
  kms_master_key_id                 = aws_kms_key.data.arn
  kms_data_key_reuse_period_seconds = 3600
}

resource "aws_sqs_queue" "queue" {
  for_each                          = local.queues
  name                              = "${local.queue_prefix}${each.key}"
  visibility_timeout_seconds        = var.visibility_timeout_seconds
  message_retention_seconds         = 345600 # 4 days
  kms_master_key_id                 = aws_kms_key.data.arn
  kms_data_key_reuse_period_seconds = 3600
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq[each.key].arn
    maxReceiveCount     = var.max_receives
  })
}

# Only the dead-letter queues' own main queue may move messages into them.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  for_each  = local.queues
  queue_url = aws_sqs_queue.dlq[each.key].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.queue[each.key].arn]
  })
}
