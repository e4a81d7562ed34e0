UNWIND $rows AS row
CREATE (p:ChangeLogPage {seq: row.seq})
SET p.n = row.n, p.at = row.at, p.actor = row.actor, p.entity = row.entity, p.key = row.key,
    p.op = row.op, p.before = row.before, p.after = row.after
