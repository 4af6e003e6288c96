"""One importer per kind of file a merchant can bring."""
from apps.imports.importers.base import Importer
from apps.imports.importers.chargebacks import ChargebacksImporter
from apps.imports.importers.customers import CustomersImporter
from apps.imports.importers.events import EventsImporter
from apps.imports.importers.orders import OrdersImporter
from apps.imports.importers.products import ProductsImporter
from apps.imports.importers.reviews import ReviewsImporter
from apps.imports.importers.scored_transactions import ScoredTransactionsImporter
from apps.imports.importers.transactions import TransactionsImporter

IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (
        ProductsImporter,
        CustomersImporter,
        OrdersImporter,
        TransactionsImporter,
        ScoredTransactionsImporter,
        EventsImporter,
        ReviewsImporter,
        ChargebacksImporter,
    )
}
