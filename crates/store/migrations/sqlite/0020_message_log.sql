-- The transparency log of message commitments (RFC 9162 Merkle tree): one leaf per signed
-- commitment, appended in the transaction that writes it. log_nodes keeps the hash of every
-- complete subtree (level 0: the leaves), so a proof or a root needs O(log n) rows at any
-- size; log_head counts the leaves and is the lock appends take, so leaf numbers never
-- collide. Leaves and nodes are append-only.

CREATE TABLE log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL
) STRICT;
INSERT INTO log_head (id, size) VALUES (1, 0);

CREATE TABLE log_leaves (
    leaf_index INTEGER PRIMARY KEY,
    decision_id TEXT NOT NULL UNIQUE REFERENCES message_commitments (decision_id)
) STRICT;

CREATE TABLE log_nodes (
    level INTEGER NOT NULL,
    node_index INTEGER NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (level, node_index)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER log_leaves_are_append_only_update BEFORE UPDATE ON log_leaves
BEGIN SELECT RAISE(ABORT, 'log leaves are append-only'); END;
CREATE TRIGGER log_leaves_are_append_only_delete BEFORE DELETE ON log_leaves
BEGIN SELECT RAISE(ABORT, 'log leaves are append-only'); END;
CREATE TRIGGER log_nodes_are_append_only_update BEFORE UPDATE ON log_nodes
BEGIN SELECT RAISE(ABORT, 'log nodes are append-only'); END;
CREATE TRIGGER log_nodes_are_append_only_delete BEFORE DELETE ON log_nodes
BEGIN SELECT RAISE(ABORT, 'log nodes are append-only'); END;
