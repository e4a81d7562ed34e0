UNWIND $rows AS row
MATCH (a:Account {id: row.account_id})
USING INDEX a:Account(id)
CREATE (c:Contact {id: row.id})
SET c.id_ord = row.id_ord, c.account_id = row.account_id, c.name = row.name,
    c.name_fold = row.name_fold, c.name_ord = row.name_ord,
    c.title = row.title, c.department = row.department, c.seniority = row.seniority,
    c.email = row.email, c.phone = row.phone, c.linkedin_url = row.linkedin_url
CREATE (c)-[:WORKS_AT]->(a)
