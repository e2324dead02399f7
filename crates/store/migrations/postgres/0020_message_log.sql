-- The transparency log of message commitments (RFC 9162 Merkle tree): one leaf per signed
-- commitment, appended in the transaction that writes it. log_nodes keeps the hash of every
-- complete subtree (level 0: the leaves), so a proof or a root needs O(log n) rows at any
-- size; log_head counts the leaves and is the lock appends take, so leaf numbers never
-- collide. Leaves and nodes are append-only.

CREATE TABLE log_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    size BIGINT NOT NULL
);
INSERT INTO log_head (id, size) VALUES (1, 0);

CREATE TABLE log_leaves (
    leaf_index BIGINT PRIMARY KEY,
    decision_id TEXT NOT NULL UNIQUE REFERENCES message_commitments (decision_id)
);

CREATE TABLE log_nodes (
    level BIGINT NOT NULL,
    node_index BIGINT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (level, node_index)
);

CREATE TRIGGER log_leaves_are_append_only BEFORE UPDATE OR DELETE ON log_leaves
FOR EACH ROW EXECUTE FUNCTION daily_run_refuse_change();
CREATE TRIGGER log_nodes_are_append_only BEFORE UPDATE OR DELETE ON log_nodes
FOR EACH ROW EXECUTE FUNCTION daily_run_refuse_change();
