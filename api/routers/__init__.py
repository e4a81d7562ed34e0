"""One ``APIRouter`` per resource; :data:`api.app.ROUTERS` lists them in order."""
