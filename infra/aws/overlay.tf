# Fills the Kubernetes overlay k8s/overlays/aws with what was made here: the
# settings (bucket, region, database host) and each service account's role.
# Commit the two files after `terraform apply`; they hold no secret.

locals {
  overlay = "${path.module}/../../k8s/overlays/aws"
}

resource "local_file" "settings" {
  filename        = "${local.overlay}/terraform.env"
  file_permission = "0644"
  content         = <<-ENV
    # Written by infra/aws (terraform apply); do not edit by hand.
    SORA_DATABASE__HOST=${aws_db_instance.sora.address}
    # TLS to RDS (rds.force_ssl); libpq's variable, read by the services' driver.
    PGSSLMODE=require
    SORA_EVENTS__SQS__REGION=${var.region}
    SORA_EVENTS__SQS__QUEUE_PREFIX=${local.queue_prefix}
    SORA_EVENTS__MAX_RECEIVES=${var.max_receives}
    SORA_EVENTS__VISIBILITY_TIMEOUT_SECS=${var.visibility_timeout_seconds}
  ENV
}

resource "local_file" "file_server_settings" {
  filename        = "${local.overlay}/terraform-file-server.env"
  file_permission = "0644"
  content         = <<-ENV
    # Written by infra/aws (terraform apply); do not edit by hand.
    SORA_STORAGE__S3__BUCKET=${aws_s3_bucket.marketplace.id}
    SORA_STORAGE__S3__REGION=${var.region}
  ENV
}

resource "local_file" "service_accounts" {
  filename        = "${local.overlay}/service-accounts.yaml"
  file_permission = "0644"
  content = join("", [for name, role in aws_iam_role.service : <<-YAML
    # Written by infra/aws (terraform apply); do not edit by hand.
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: sora-${name}
      annotations:
        eks.amazonaws.com/role-arn: ${role.arn}
    ---
  YAML
  ])
}

resource "local_file" "backup_bucket" {
  filename        = "${local.overlay}/terraform-backup.env"
  file_permission = "0644"
  content         = <<-ENV
    # Written by infra/aws (terraform apply); do not edit by hand.
    SORA_BACKUP_S3_URI=s3://${aws_s3_bucket.backups.id}/logical
    AWS_REGION=${var.region}
  ENV
}
