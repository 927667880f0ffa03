output "marketplace_bucket" {
  value = aws_s3_bucket.marketplace.id
}

output "backups_bucket" {
  value = aws_s3_bucket.backups.id
}

output "database_host" {
  value = aws_db_instance.sora.address
}

output "database_master_secret_arn" {
  description = "Secrets Manager secret with the master password, for the provisioning Job only."
  value       = aws_db_instance.sora.master_user_secret[0].secret_arn
}

output "queues" {
  value = { for name, queue in aws_sqs_queue.queue : name => queue.url }
}

output "service_role_arns" {
  value = { for name, role in aws_iam_role.service : name => role.arn }
}

output "deploy_role_arn" {
  description = "For the pipeline's AWS_DEPLOY_ROLE_ARN variable."
  value       = var.github_repository == "" ? "" : aws_iam_role.deploy[0].arn
}
