//! The day partitions of `events` (`events_20261130`): made when first
//! needed or a day ahead, dropped whole when they pass the retention period
//! (the platform's [`DayPartitions`]).

use sora_common::partitions::DayPartitions;

pub const EVENTS: DayPartitions = DayPartitions {
    table: "events",
    lock: 0x736f_7261_6662, // "sorafb"
};
