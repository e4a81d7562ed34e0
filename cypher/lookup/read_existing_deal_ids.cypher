UNWIND $ids AS id
MATCH (n:Deal {id: id})
USING INDEX n:Deal(id)
RETURN collect(n.id) AS rows
