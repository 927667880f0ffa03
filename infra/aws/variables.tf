variable "environment" {
  description = "A name for this installation, part of every resource's name (prod, staging)."
  type        = string
  default     = "prod"
}

variable "region" {
  description = "The AWS region of the cluster and of everything here."
  type        = string
  default     = "eu-west-1"
}

variable "replica_region" {
  description = "Where the marketplace bucket is replicated to (cross-region copy of extensions and layouts)."
  type        = string
  default     = "eu-central-1"
}

variable "eks_oidc_provider_arn" {
  description = "ARN of the EKS cluster's IAM OIDC provider (IRSA)."
  type        = string
}

variable "eks_oidc_issuer" {
  description = "The cluster's OIDC issuer without https:// (oidc.eks.REGION.amazonaws.com/id/XXXX)."
  type        = string
}

variable "namespace" {
  description = "The Kubernetes namespace the services run in (k8s/overlays set `sora`)."
  type        = string
  default     = "sora"
}

variable "vpc_id" {
  description = "The VPC of the EKS cluster."
  type        = string
}

variable "database_subnet_ids" {
  description = "Private subnets for PostgreSQL (at least two availability zones)."
  type        = list(string)
}

variable "cluster_security_group_id" {
  description = "The EKS nodes' security group: the only one allowed to reach PostgreSQL."
  type        = string
}

variable "database_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "database_storage_gb" {
  description = "Allocated storage; autoscaling may grow it to four times this."
  type        = number
  default     = 50
}

variable "backup_retention_days" {
  description = "RDS automated backups and point-in-time recovery window (days)."
  type        = number
  default     = 14
}

variable "logical_backup_retention_days" {
  description = "How long the daily logical backups (scripts/ops/backup.sh) are kept."
  type        = number
  default     = 35
}

variable "noncurrent_version_days" {
  description = "How long replaced or deleted marketplace objects stay recoverable."
  type        = number
  default     = 90
}

variable "max_receives" {
  description = "Receives before a message moves to its dead-letter queue: the services' SORA_EVENTS__MAX_RECEIVES (they create the queues with the same attributes)."
  type        = number
  default     = 5
}

variable "visibility_timeout_seconds" {
  description = "The services' SORA_EVENTS__VISIBILITY_TIMEOUT_SECS."
  type        = number
  default     = 30
}

variable "github_repository" {
  description = "owner/name of the repository whose pipeline deploys (.github/workflows/deliver.yml); empty: no deploy role."
  type        = string
  default     = ""
}

variable "eks_cluster_name" {
  description = "The EKS cluster the pipeline deploys to (an access entry limited to var.namespace)."
  type        = string
  default     = ""
}

variable "github_oidc_provider_arn" {
  description = "ARN of the account's IAM OIDC provider for token.actions.githubusercontent.com (made once per account)."
  type        = string
  default     = ""
}
