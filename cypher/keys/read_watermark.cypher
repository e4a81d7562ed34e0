CALL () {
  MATCH (p:ChangeLogPage)
  RETURN p.seq + p.n - 1 AS last
  ORDER BY p.seq DESC
  LIMIT 1
  UNION ALL
  RETURN 0 AS last
}
WITH max(last) AS changes
OPTIONAL MATCH (c:Counter {name: 'api_keys'})
RETURN changes, coalesce(c.value, 0) AS keys
