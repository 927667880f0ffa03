-- The recommender's accuracy in use, next to the offline evaluation's: per
-- ranking version (`content-1`: what a deploy changes; the learned counter
-- after it moves with every lesson) and UTC day served, the answers served
-- with items, those with any item accepted, and those with one accepted at
-- rank 1, within the first 3 and within the first 5 (acceptance@k, the
-- online twin of the evaluation's hit@k). Kept after `served` forgets.
ALTER TABLE served ADD COLUMN best_rank smallint;

CREATE TABLE online_acceptance (
    ranking  text   NOT NULL,
    day      date   NOT NULL,
    served   bigint NOT NULL DEFAULT 0,
    accepted bigint NOT NULL DEFAULT 0,
    at_1     bigint NOT NULL DEFAULT 0,
    at_3     bigint NOT NULL DEFAULT 0,
    at_5     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (ranking, day)
);
