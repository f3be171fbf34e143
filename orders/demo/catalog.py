"""The demo shop's catalogue and customers, as plain data.

``build_demo_fixture`` turns this into rows through the services; ``seed_demo`` reuses the
category tree and names for its synthetic products.
"""

from decimal import Decimal

# (name, parent name or None, default price or None). Parents come before their children.
CATEGORIES = [
    ("Clothing", None, None),
    ("T-shirts", "Clothing", "19.90"),
    ("Hoodies & Sweatshirts", "Clothing", "49.00"),
    ("Trousers", "Clothing", None),
    ("Jackets", "Clothing", "119.00"),
    ("Knitwear", "Clothing", None),
    ("Accessories", None, None),
    ("Hats & Scarves", "Accessories", "24.90"),
    ("Bags", "Accessories", None),
    ("Socks", "Accessories", "8.90"),
    ("Home", None, None),
    ("Bedding", "Home", "59.00"),
    ("Kitchen", "Home", None),
    ("Decor", "Home", "29.00"),
    ("Bath", "Home", None),
]

# key -> display name
TAGS = {
    "organic": "Organic cotton",
    "best": "Bestseller",
    "new": "New in",
    "sale": "Sale",
    "limited": "Limited edition",
    "recycled": "Recycled",
    "unisex": "Unisex",
    "kids": "Kids",
    "winter": "Winter",
    "summer": "Summer",
    "handmade": "Handmade",
    "gift": "Gift idea",
    "eco": "Sustainable",
    "premium": "Premium",
    "basics": "Basics",
}

# Kinds: "" a normal product, restocked when it runs low; "draft" never published;
# "archived" sold for a while, then archived; "soldout" ends with no stock;
# "backorder" takes orders beyond its stock.
# Rows under a "[category]" line: sku | name | own price ("-" = none) | cost | tags | kind
PRODUCTS_TABLE = """
[T-shirts]
TSH-ORG-WHT-M   | Organic cotton T-shirt, white, M      |      - |  6.20 | organic basics unisex best
TSH-ORG-BLK-L   | Organic cotton T-shirt, black, L      |      - |  6.20 | organic basics unisex
TSH-STR-NVY-M   | Breton striped T-shirt, navy, M       |  24.90 |  8.10 | best
TSH-PKT-OLV-S   | Pocket T-shirt, olive, S              |      - |  5.90 | basics                     | archived
TSH-LS-GRY-M    | Long-sleeve T-shirt, heather grey, M  |  27.50 |  9.00 | basics winter
TSH-KID-YLW-116 | Kids' T-shirt, sunflower yellow, 116  |  14.90 |  4.50 | kids organic
[Hoodies & Sweatshirts]
HOD-ZIP-GRY-M   | Zip hoodie, grey melange, M           |      - | 17.00 | unisex best
HOD-PUL-BLK-L   | Pullover hoodie, black, L             |  54.00 | 18.50 | unisex
SWT-CRW-SND-M   | Crew-neck sweatshirt, sand, M         |      - | 15.00 | basics
SWT-REC-FOR-L   | Recycled fleece sweatshirt, forest, L |  59.00 | 21.00 | recycled eco               | soldout
HOD-KID-RED-128 | Kids' hoodie, red, 128                |  34.90 | 11.00 | kids
[Trousers]
TRS-CHN-BEI-32  | Slim chinos, beige, 32/32             |  69.00 | 24.00 | basics
TRS-JNS-IND-32  | Straight jeans, indigo, 32/34         |  89.00 | 31.00 | best
TRS-LIN-NAT-M   | Linen trousers, natural, M            |  79.00 | 27.00 | summer eco                 | soldout
TRS-JOG-BLK-L   | Jogging trousers, black, L            |  44.00 | 14.00 | unisex
TRS-CRD-BRN-34  | Corduroy trousers, brown, 34/32       |  74.00 | 26.00 | new winter                 | draft
TRS-SHT-KHK-M   | Cargo shorts, khaki, M                |  49.00 | 16.00 | summer sale
[Jackets]
JKT-RAIN-YLW-M  | Rain jacket, yellow, M                |      - | 42.00 | unisex
JKT-DWN-BLK-L   | Down jacket, black, L                 | 189.00 | 71.00 | winter premium             | backorder
JKT-DNM-IND-M   | Denim jacket, indigo, M               |  99.00 | 35.00 | best
JKT-QLT-OLV-M   | Quilted vest, olive, M                |      - | 38.00 | sale                       | archived
[Knitwear]
KNT-MER-NVY-M   | Merino crew-neck jumper, navy, M      |  89.00 | 30.00 | winter premium             | backorder
KNT-CBL-CRM-L   | Cable-knit jumper, cream, L           |  99.00 | 34.00 | winter handmade
KNT-CRD-GRY-M   | Cardigan, charcoal, M                 |  84.00 | 29.00 | basics
KNT-ALP-RST-S   | Alpaca blend jumper, rust, S          | 129.00 | 48.00 | new premium limited        | draft
[Hats & Scarves]
ACC-BEA-BLK     | Ribbed beanie, black                  |      - |  5.00 | winter unisex best
ACC-BEA-MUS     | Ribbed beanie, mustard                |      - |  5.00 | winter unisex              | soldout
ACC-SCF-WOL-GRY | Wool scarf, grey                      |  39.00 | 12.00 | winter gift
ACC-CAP-NVY     | Baseball cap, navy                    |  22.00 |  6.50 | summer unisex
ACC-BUC-SND     | Bucket hat, sand                      |      - |  6.00 | summer                     | archived
[Bags]
BAG-TOT-NAT     | Canvas tote bag, natural              |  18.00 |  4.00 | organic eco gift
BAG-BPK-BLK     | Roll-top backpack, black              |  79.00 | 28.00 | recycled
BAG-WKD-BRN     | Weekender bag, waxed cotton           | 139.00 | 52.00 | premium gift               | backorder
BAG-GYM-GRY     | Gym sack, grey                        |  15.00 |  3.50 | basics
BAG-CRS-CGN     | Leather crossbody bag, cognac         | 109.00 | 40.00 | new premium                | draft
[Socks]
SCK-BMB-BLK-3   | Bamboo socks, black, 3-pack           |  19.90 |  5.50 | eco basics best
SCK-WOL-GRY     | Wool hiking socks, grey               |      - |  3.20 | winter
SCK-STR-MUL     | Striped socks, multicolour            |      - |  2.40 | gift
SCK-KID-5PK     | Kids' socks, 5-pack                   |  14.90 |  4.00 | kids                       | draft
SCK-ANK-WHT     | Ankle socks, white                    |      - |  2.00 | basics summer
[Bedding]
BED-DUV-LIN-DBL | Linen duvet cover, double             | 119.00 | 44.00 | premium eco
BED-DUV-PER-SGL | Percale duvet cover, single           |      - | 19.00 | sale                       | archived
BED-PIL-LIN-2   | Linen pillowcases, pair               |  39.00 | 12.00 | eco
BED-SHT-JRS-DBL | Jersey fitted sheet, double           |      - | 18.00 | basics
BED-THR-WOL     | Wool throw blanket                    |  89.00 | 33.00 | winter gift handmade       | backorder
[Kitchen]
KIT-MUG-STW-WHT | Stoneware mug, white                  |  12.50 |  3.10 | handmade gift best
KIT-TEA-LIN-3   | Linen tea towels, set of 3            |  19.00 |  5.80 | eco
KIT-APR-DNM     | Denim apron                           |  34.00 | 11.00 | gift
KIT-BRD-OAK     | Oak chopping board                    |  45.00 | 15.00 | handmade                   | soldout
KIT-JAR-GLS-1L  | Glass storage jar, 1 l                |      - |  2.60 | eco
[Decor]
DEC-CUS-VLV-GRN | Velvet cushion cover, green           |      - |  7.50 | new
DEC-CND-SOY     | Soy candle, fig                       |  22.00 |  5.00 | gift handmade best
DEC-VAS-CER     | Ceramic vase, speckled                |      - |  9.00 | handmade
DEC-FRM-OAK-A4  | Oak picture frame, A4                 |  32.00 |  9.50 | gift
DEC-PLN-BSK     | Seagrass plant basket                 |      - |  8.00 | new eco                    | draft
[Bath]
BTH-TWL-WAF-L   | Waffle bath towel, large              |  29.00 |  8.80 | organic
BTH-TWL-HND     | Hand towel, cotton                    |  14.00 |  3.90 | basics
BTH-ROB-WAF     | Waffle bathrobe                       |  69.00 | 24.00 | premium gift
BTH-MAT-CTN     | Cotton bath mat                       |      - |  3.00 | basics
BTH-SOP-OLV     | Olive oil soap                        |   6.50 |  1.40 | handmade eco
"""


def products():
    """The product table as dicts: sku, name, category, price (None = no own price), cost, tags, kind."""
    rows = []
    category = None
    for line in PRODUCTS_TABLE.strip().splitlines():
        if line.startswith("["):
            category = line.strip("[]")
            continue
        sku, name, price, cost, tags, kind = ([cell.strip() for cell in line.split("|")] + [""])[:6]
        rows.append(
            {
                "sku": sku,
                "name": name,
                "category": category,
                "price": None if price == "-" else Decimal(price),
                "cost": Decimal(cost),
                "tags": tags.split(),
                "kind": kind,
            }
        )
    return rows


# first name, last name, tier, city, postcode, country; the last five never order.
CUSTOMERS = [
    ("Anna", "Schmidt", "vip", "Berlin", "10115", "DE"),
    ("Lukas", "Weber", "gold", "Hamburg", "20095", "DE"),
    ("Sophie", "Martin", "silver", "Lyon", "69002", "FR"),
    ("Jan", "de Vries", "regular", "Utrecht", "3511 AB", "NL"),
    ("Emma", "Fischer", "gold", "Munich", "80331", "DE"),
    ("Noah", "Janssen", "regular", "Rotterdam", "3011 AD", "NL"),
    ("Léa", "Dubois", "vip", "Paris", "75004", "FR"),
    ("Felix", "Wagner", "silver", "Vienna", "1010", "AT"),
    ("Mia", "Becker", "regular", "Cologne", "50667", "DE"),
    ("Oliver", "Smith", "silver", "London", "N1 9GU", "GB"),
    ("Clara", "Hoffmann", "regular", "Leipzig", "04109", "DE"),
    ("Elias", "Gruber", "gold", "Graz", "8010", "AT"),
    ("Hannah", "Schulz", "regular", "Dresden", "01067", "DE"),
    ("Lucas", "Bernard", "regular", "Bordeaux", "33000", "FR"),
    ("Isabella", "Rossi", "vip", "Milan", "20121", "IT"),
    ("Paul", "Koch", "silver", "Frankfurt", "60311", "DE"),
    ("Julia", "Bauer", "regular", "Stuttgart", "70173", "DE"),
    ("Max", "Richter", "regular", "Bremen", "28195", "DE"),
    ("Eva", "Novak", "silver", "Prague", "110 00", "CZ"),
    ("Liam", "Murphy", "gold", "Dublin", "D02 X285", "IE"),
    ("Lina", "Klein", "regular", "Bonn", "53111", "DE"),
    ("Tom", "Peeters", "silver", "Antwerp", "2000", "BE"),
    ("Marie", "Wolf", "regular", "Hanover", "30159", "DE"),
    ("Ben", "Schröder", "regular", "Kiel", "24103", "DE"),
    ("Nora", "Lindqvist", "silver", "Stockholm", "111 29", "SE"),
    ("Jonas", "Neumann", "regular", "Nuremberg", "90402", "DE"),
    ("Ella", "Zimmermann", "gold", "Zurich", "8001", "CH"),
    ("David", "Hartmann", "regular", "Mainz", "55116", "DE"),
    ("Laura", "Krüger", "silver", "Kassel", "34117", "DE"),
    ("Finn", "Lange", "regular", "Rostock", "18055", "DE"),
]
CUSTOMERS_WITHOUT_ORDERS = 5

STREETS = ["Lindenstraße", "Hauptstraße", "Rue de la Paix", "Kerkstraat", "High Street", "Bahnhofstraße", "Via Roma"]
