MATCH (e:ChangeLog)
WITH e
ORDER BY e.seq
LIMIT $limit
RETURN collect(e {.seq, .at, .actor, .entity, .key, .op, .before, .after}) AS rows
