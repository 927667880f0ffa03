# What the Kubernetes manifests (k8s/) assume exists on AWS: the marketplace
# bucket, the event queues with their dead-letter queues, PostgreSQL with
# automated backups and point-in-time recovery, one IAM role per service for
# its Kubernetes service account (IRSA), and a bucket for the daily logical
# backups. An existing EKS cluster is an input, not made here.
#
#   terraform init && terraform apply -var-file=prod.tfvars
#
# then `kubectl apply -k k8s/overlays/aws` (its settings are written by
# overlay.tf). docs/deploying.md ("AWS") has the whole path.
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = {
      "app.kubernetes.io/part-of" = "sora"
      environment                 = var.environment
    }
  }
}

provider "aws" {
  alias  = "replica"
  region = var.replica_region
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
