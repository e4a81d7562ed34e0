UNWIND $rows AS row
MATCH (t:Touchpoint {id: row.id})
SET t.summary = row.text
