-- Which event types each queue receives: written by the consumer of the queue
-- when it starts, read by every producer's relay.
CREATE TABLE subscriptions (
    queue      text NOT NULL REFERENCES queues (name),
    event_type text NOT NULL,
    PRIMARY KEY (queue, event_type)
);
