UNWIND $ids AS id
MATCH (c:Contact {id: id})
USING INDEX c:Contact(id)
UNWIND [(c)-[:HAS_STATUS]->(s:ContactStatus)
        | {contact_id: c.id, status: s.status, valid_from: s.valid_from,
           valid_to: s.valid_to, ref: elementId(s)}] AS row
RETURN collect(row) AS rows
