//! Shared set-up of AWS SDK clients (SQS, S3): region, endpoint override for
//! S3/SQS-compatible servers, and static credentials when configured.

use secrecy::{ExposeSecret, SecretString};

/// The SDK configuration for one client. Empty `endpoint_url` means AWS's own
/// endpoint; empty `access_key_id` means the default credential chain.
pub async fn sdk_config(
    region: &str,
    endpoint_url: &str,
    access_key_id: &str,
    secret_access_key: &SecretString,
) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_owned()));
    if !endpoint_url.is_empty() {
        loader = loader.endpoint_url(endpoint_url);
    }
    if !access_key_id.is_empty() {
        loader = loader.credentials_provider(aws_credential_types::Credentials::new(
            access_key_id,
            secret_access_key.expose_secret(),
            None,
            None,
            "sora-config",
        ));
    }
    loader.load().await
}
