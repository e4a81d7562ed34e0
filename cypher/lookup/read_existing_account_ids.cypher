UNWIND $ids AS id
MATCH (n:Account {id: id})
USING INDEX n:Account(id)
RETURN collect(n.id) AS rows
