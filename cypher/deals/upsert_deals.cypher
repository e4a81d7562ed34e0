UNWIND $rows AS row
MATCH (a:Account {id: row.account_id})
USING INDEX a:Account(id)
MERGE (d:Deal {id: row.id})
SET d.id_ord = row.id_ord, d.account_id = row.account_id, d.name = row.name,
    d.name_fold = row.name_fold, d.name_ord = row.name_ord,
    d.amount_minor = row.amount_minor, d.currency = row.currency, d.stage = row.stage,
    d.expected_close = row.expected_close, d.competitors = row.competitors,
    d.loss_reason = row.loss_reason, d.owner_id = row.owner_id
MERGE (d)-[:OF_ACCOUNT]->(a)
