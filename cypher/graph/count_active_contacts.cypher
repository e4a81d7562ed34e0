UNWIND $account_ids AS aid
MATCH (a:Account {id: aid})
USING INDEX a:Account(id)
UNWIND [(a)<-[:WORKS_AT]-(c:Contact) | c] AS c
UNWIND [(c)-[:HAS_STATUS]->(s:ContactStatus)
        WHERE s.status = $status AND s.valid_from <= $t AND (s.valid_to IS NULL OR s.valid_to > $t)
        | s] AS s
RETURN count(s) AS contacts
