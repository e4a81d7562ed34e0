UNWIND $rows AS row
MATCH (a:Account {id: row.id})
USING INDEX a:Account(id)
WHERE NOT (a)-[:HAD_TERRITORY]->(:AccountTerritory)
CALL (row) {
  OPTIONAL MATCH (k:ChangeLogKeys {bucket: row.bucket})
  UNWIND [i IN range(0, coalesce(size(k.key), 0) - 1) WHERE k.key[i] = row.id | k.seq[i]] AS seq
  CALL (seq) {
    MATCH (p:ChangeLogPage)
    WHERE p.seq <= seq
    RETURN p
    ORDER BY p.seq DESC
    LIMIT 1
  }
  WITH seq, p
  WHERE p.entity[seq - p.seq] = 'account'
  RETURN min(p.at) AS first_at
}
CREATE (a)-[:HAD_TERRITORY]->(s:AccountTerritory)
SET s.territory = a.territory, s.valid_from = coalesce(first_at, $earliest), s.valid_to = null
