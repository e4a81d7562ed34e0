UNWIND $rows AS row
CALL (row) {
  MATCH (p:ChangeLogPage)
  WHERE p.seq <= row.seq
  RETURN p
  ORDER BY p.seq DESC
  LIMIT 1
}
WITH p, row, row.seq - p.seq AS i
SET p.before = p.before[..i] + [row.before] + p.before[i + 1..],
    p.after = p.after[..i] + [row.after] + p.after[i + 1..]
