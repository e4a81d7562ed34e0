MERGE (k:Counter {name: 'change_log'})
ON CREATE SET k.value = 0
SET k.value = k.value + size($rows)
WITH k.value - size($rows) AS base
UNWIND $rows AS row
CREATE (e:ChangeLog {seq: base + row.n})
SET e.at = row.at, e.actor = row.actor, e.entity = row.entity, e.key = row.key,
    e.op = row.op, e.before = row.before, e.after = row.after
