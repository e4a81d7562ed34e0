UNWIND $ids AS id
MATCH (a:Account {id: id})
USING INDEX a:Account(id)
UNWIND [(a)-[:HAD_TERRITORY]->(s:AccountTerritory)
        | {account_id: a.id, territory: s.territory, valid_from: s.valid_from,
           valid_to: s.valid_to, ref: elementId(s)}] AS row
RETURN collect(row) AS rows
