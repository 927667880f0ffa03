//! feedback-api's routes: ingestion, moderation and statistics.

pub mod adoption;
pub mod export;
pub mod ingest;
pub mod moderation;
pub mod stats;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/feedback")
            .post(ingest::submit)
            .get(moderation::list_feedback),
    )
    .service(
        web::resource("/api/feedback/{id}")
            .get(moderation::read_feedback)
            .delete(moderation::delete_feedback),
    )
    .service(web::resource("/api/stats/public").get(stats::public_stats))
    .service(web::resource("/api/stats/summary").get(stats::summary))
    .service(web::resource("/api/stats/timeseries").get(stats::timeseries))
    .service(web::resource("/api/stats/adoption").get(adoption::adoption))
    .service(web::resource("/api/stats/export.csv").get(export::export_csv));
}
