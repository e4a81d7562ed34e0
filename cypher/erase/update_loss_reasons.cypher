UNWIND $rows AS row
MATCH (d:Deal {id: row.id})
SET d.loss_reason = row.text
