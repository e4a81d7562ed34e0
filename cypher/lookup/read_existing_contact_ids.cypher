UNWIND $ids AS id
MATCH (n:Contact {id: id})
USING INDEX n:Contact(id)
RETURN collect(n.id) AS rows
