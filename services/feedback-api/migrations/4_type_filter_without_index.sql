-- The type filter reads events_newest and skips the other types: there are
-- ten types, so a page of one reads about 20 / its share of events, while
-- this index cost ingestion 9 % of its throughput on top of the other two
-- (docs/benchmarks.md, docs/decisions.md). Items are many and an item's
-- share can be tiny: events_item_newest stays.
DROP INDEX IF EXISTS events_type_newest;
