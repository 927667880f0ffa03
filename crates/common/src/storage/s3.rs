//! The S3 backend (aws-sdk-s3): AWS itself, or MinIO, LocalStack, moto… with
//! an endpoint override and path-style addressing.

use std::ops::Range;

use aws_sdk_s3::Client;
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::primitives::ByteStream as SdkStream;
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use tokio_util::io::ReaderStream;

use super::S3Settings;
use super::{ByteStream, ObjectStore, Unreachable, check_key};

pub struct S3Store {
    client: Client,
    bucket: String,
    prefix: String,
}

impl S3Store {
    pub async fn connect(settings: &S3Settings) -> anyhow::Result<Self> {
        let shared = crate::aws::sdk_config(
            &settings.region,
            &settings.endpoint_url,
            &settings.access_key_id,
            &settings.secret_access_key,
        )
        .await;
        let config = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(settings.force_path_style)
            .build();
        let store = Self {
            client: Client::from_conf(config),
            bucket: settings.bucket.clone(),
            prefix: settings.prefix.clone(),
        };
        if settings.create_bucket {
            store.create_bucket().await?;
        }
        Ok(store)
    }

    async fn create_bucket(&self) -> anyhow::Result<()> {
        if self
            .client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .is_ok()
        {
            return Ok(());
        }
        match self
            .client
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error().is_some_and(|e| {
                    e.is_bucket_already_owned_by_you() || e.is_bucket_already_exists()
                }) =>
            {
                Ok(())
            }
            Err(e) => Err(anyhow::anyhow!(
                "cannot create bucket {}: {}",
                self.bucket,
                aws_sdk_s3::error::DisplayErrorContext(e)
            )),
        }
    }

    fn key(&self, key: &str) -> anyhow::Result<String> {
        check_key(key)?;
        Ok(format!("{}{key}", self.prefix))
    }

    async fn read(&self, key: &str, range: Range<u64>) -> anyhow::Result<Option<ByteStream>> {
        if range.is_empty() {
            return Ok(Some(futures_util::stream::empty().boxed()));
        }
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.key(key)?)
            .range(format!("bytes={}-{}", range.start, range.end - 1));
        match request.send().await {
            Ok(object) => Ok(Some(
                ReaderStream::with_capacity(object.body.into_async_read(), 256 * 1024).boxed(),
            )),
            Err(SdkError::ServiceError(e)) if e.err().is_no_such_key() => Ok(None),
            Err(e) => Err(failed("GetObject", e)),
        }
    }
}

/// An S3 call's error; [`Unreachable`] when trying again may work.
fn failed<E>(operation: &str, error: SdkError<E>) -> anyhow::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    let transient = match &error {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            true
        }
        other => other
            .raw_response()
            .is_some_and(|response| response.status().as_u16() >= 500),
    };
    let message = format!(
        "S3 {operation} failed: {}",
        aws_sdk_s3::error::DisplayErrorContext(&error)
    );
    if transient {
        Unreachable(message).into()
    } else {
        anyhow::anyhow!(message)
    }
}

impl ObjectStore for S3Store {
    fn put(&self, key: &str, data: Bytes) -> BoxFuture<'_, anyhow::Result<()>> {
        let key = self.key(key);
        Box::pin(async move {
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(key?)
                .body(SdkStream::from(data))
                .send()
                .await
                .map_err(|e| failed("PutObject", e))?;
            Ok(())
        })
    }

    fn delete(&self, key: &str) -> BoxFuture<'_, anyhow::Result<()>> {
        let key = self.key(key);
        Box::pin(async move {
            self.client
                .delete_object()
                .bucket(&self.bucket)
                .key(key?)
                .send()
                .await
                .map_err(|e| failed("DeleteObject", e))?;
            Ok(())
        })
    }

    fn get(
        &self,
        key: &str,
        range: Range<u64>,
    ) -> BoxFuture<'_, anyhow::Result<Option<ByteStream>>> {
        let key = key.to_owned();
        Box::pin(async move { self.read(&key, range).await })
    }

    fn presigned_url(
        &self,
        key: &str,
        ttl: std::time::Duration,
    ) -> BoxFuture<'_, anyhow::Result<Option<String>>> {
        let key = self.key(key);
        Box::pin(async move {
            let config = aws_sdk_s3::presigning::PresigningConfig::expires_in(ttl)?;
            let request = self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(key?)
                .presigned(config)
                .await
                .map_err(|e| {
                    anyhow::anyhow!(
                        "presigning failed: {}",
                        aws_sdk_s3::error::DisplayErrorContext(e)
                    )
                })?;
            Ok(Some(request.uri().to_owned()))
        })
    }

    fn public_key(&self, key: &str) -> Option<String> {
        self.key(key).ok()
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            self.client
                .head_bucket()
                .bucket(&self.bucket)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| format!("bucket {} is not reachable: {e}", self.bucket))
        })
    }
}
