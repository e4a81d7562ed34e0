MATCH (c:Contact {id: $id})
USING INDEX c:Contact(id)
UNWIND [(c)-[:HAS_STATUS]->(s:ContactStatus)
        WHERE s.valid_from <= $t AND (s.valid_to IS NULL OR s.valid_to > $t) | s] AS s
RETURN properties(c) AS props, s.status AS status, s.valid_from AS status_from
