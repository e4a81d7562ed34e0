UNWIND $rows AS row
MERGE (a:Account {id: row.id})
SET a.id_ord = row.id_ord, a.name = row.name, a.name_fold = row.name_fold,
    a.name_ord = row.name_ord, a.sector = row.sector,
    a.country = row.country, a.territory = row.territory, a.owner_id = row.owner_id,
    a.parent_id = row.parent_id, a.city = row.city, a.employees = row.employees,
    a.revenue_minor = row.revenue_minor
