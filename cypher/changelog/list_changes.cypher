CALL () {
  MATCH (p:ChangeLogPage)
  RETURN p.seq + p.n - 1 AS last
  ORDER BY p.seq DESC
  LIMIT 1
  UNION ALL
  RETURN 0 AS last
}
WITH max(last) AS last, CASE WHEN $since_seq > 0 THEN $since_seq ELSE 0 END AS after
WITH last, after, after + $offset + 1 AS lo,
     CASE WHEN after + $offset + $limit < last THEN after + $offset + $limit ELSE last END AS hi
CALL (lo, hi) {
  CALL (lo, hi) {
    MATCH (p:ChangeLogPage)
    WHERE p.seq <= lo
    RETURN p
    ORDER BY p.seq DESC
    LIMIT 1
    UNION
    MATCH (p:ChangeLogPage)
    WHERE lo < p.seq <= hi
    RETURN p
  }
  WITH p, (CASE WHEN lo > p.seq THEN lo ELSE p.seq END) - p.seq AS a,
       (CASE WHEN hi < p.seq + p.n - 1 THEN hi ELSE p.seq + p.n - 1 END) - p.seq + 1 AS b
  WHERE a < b
  WITH p, a, b
  ORDER BY p.seq
  RETURN collect({seq: range(p.seq + a, p.seq + b - 1), at: p.at, actor: p.actor,
                  entity: p.entity[a..b], key: p.key[a..b], op: p.op[a..b],
                  before: p.before[a..b], after: p.after[a..b]}) AS items
}
RETURN CASE WHEN last > after THEN last - after ELSE 0 END AS total, items
