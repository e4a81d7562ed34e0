UNWIND $ids AS id
MATCH (a:Account {id: id})-[:HAD_TERRITORY]->(s:AccountTerritory)
USING INDEX a:Account(id)
WHERE s.valid_from <= $t AND (s.valid_to IS NULL OR s.valid_to > $t)
RETURN collect({account_id: a.id, territory: s.territory}) AS rows
