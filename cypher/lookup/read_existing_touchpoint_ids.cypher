UNWIND $ids AS id
MATCH (n:Touchpoint {id: id})
USING INDEX n:Touchpoint(id)
RETURN collect(n.id) AS rows
