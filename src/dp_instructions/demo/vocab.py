"""Word pools for the demo corpus: names, places, organisations, jobs, chemicals, topics.

Why hand-written pools: the generator must be deterministic, offline and free of extra
dependencies (no faker). The pools are combined compositionally (first x last name,
prefix x core x suffix company, number x street x type address, ...) so a few hundred
entries give tens of thousands of distinct values: that is what keeps ordinary demo
prompts from sharing long word runs by accident, which the 10-gram de-duplication step
would otherwise punish.

Every pool is a tuple of strings; ``_pool`` splits a ``|``- or newline-separated block.
"""

from __future__ import annotations

from dp_instructions.demo.template import word_pool as _pool

# --- people ---------------------------------------------------------------------------

FIRST_NAMES = _pool("""
James|Mary|John|Patricia|Robert|Jennifer|Michael|Linda|William|Elizabeth|David|Barbara
Richard|Susan|Joseph|Jessica|Thomas|Sarah|Charles|Karen|Christopher|Nancy|Daniel|Lisa
Matthew|Betty|Anthony|Margaret|Mark|Sandra|Donald|Ashley|Steven|Kimberly|Paul|Emily
Andrew|Donna|Joshua|Michelle|Kenneth|Dorothy|Kevin|Carol|Brian|Amanda|George|Melissa
Timothy|Deborah|Ronald|Stephanie|Edward|Rebecca|Jason|Sharon|Jeffrey|Laura|Ryan|Cynthia
Jacob|Kathleen|Gary|Amy|Nicholas|Angela|Eric|Shirley|Jonathan|Anna|Stephen|Brenda
Larry|Pamela|Justin|Emma|Scott|Nicole|Brandon|Helen|Benjamin|Samantha|Samuel|Katherine
Gregory|Christine|Alexander|Debra|Frank|Rachel|Patrick|Carolyn|Raymond|Janet|Jack|Catherine
Dennis|Maria|Jerry|Heather|Tyler|Diane|Aaron|Ruth|Jose|Julie|Adam|Olivia|Nathan|Joyce
Henry|Virginia|Douglas|Victoria|Zachary|Kelly|Peter|Lauren|Kyle|Christina|Ethan|Joan
Walter|Evelyn|Noah|Judith|Jeremy|Megan|Christian|Andrea|Keith|Cheryl|Roger|Hannah
Terry|Jacqueline|Gerald|Martha|Harold|Gloria|Sean|Teresa|Austin|Ann|Carl|Sara|Arthur
Madison|Lawrence|Frances|Dylan|Kathryn|Jesse|Janice|Jordan|Jean|Bryan|Abigail|Billy
Alice|Joe|Judy|Bruce|Sophia|Gabriel|Grace|Logan|Denise|Albert|Amber|Willie|Doris
Alan|Marilyn|Juan|Danielle|Wayne|Beverly|Elijah|Isabella|Randy|Theresa|Roy|Diana
Vincent|Natalie|Ralph|Brittany|Eugene|Charlotte|Russell|Marie|Bobby|Kayla|Mason|Alexis
Priya|Arjun|Wei|Mei|Hiroshi|Yuki|Fatima|Omar|Aisha|Mohammed|Chen|Li|Sofia|Mateo
Lucas|Camila|Santiago|Valentina|Diego|Lucia|Ivan|Olga|Dmitri|Anastasia|Kwame|Amara
Chidi|Ngozi|Raj|Ananya|Vikram|Deepa|Jin|Soo-ah|Minh|Linh|Tariq|Layla|Yusuf|Zara
Mateus|Beatriz|Lars|Ingrid|Sven|Astrid|Pierre|Amelie|Luca|Giulia|Hans|Greta|Kofi|Esi
""")

LAST_NAMES = _pool("""
Smith|Johnson|Williams|Brown|Jones|Garcia|Miller|Davis|Rodriguez|Martinez|Hernandez
Lopez|Gonzalez|Wilson|Anderson|Thomas|Taylor|Moore|Jackson|Martin|Lee|Perez|Thompson
White|Harris|Sanchez|Clark|Ramirez|Lewis|Robinson|Walker|Young|Allen|King|Wright|Scott
Torres|Nguyen|Hill|Flores|Green|Adams|Nelson|Baker|Hall|Rivera|Campbell|Mitchell
Carter|Roberts|Gomez|Phillips|Evans|Turner|Diaz|Parker|Cruz|Edwards|Collins|Reyes
Stewart|Morris|Morales|Murphy|Cook|Rogers|Gutierrez|Ortiz|Morgan|Cooper|Peterson
Bailey|Reed|Kelly|Howard|Ramos|Kim|Cox|Ward|Richardson|Watson|Brooks|Chavez|Wood
James|Bennett|Gray|Mendoza|Ruiz|Hughes|Price|Alvarez|Castillo|Sanders|Patel|Myers
Long|Ross|Foster|Jimenez|Powell|Jenkins|Perry|Russell|Sullivan|Bell|Coleman|Butler
Henderson|Barnes|Gonzales|Fisher|Vasquez|Simmons|Romero|Jordan|Patterson|Alexander
Hamilton|Graham|Reynolds|Griffin|Wallace|Moreno|West|Cole|Hayes|Bryant|Herrera|Gibson
Ellis|Tran|Medina|Aguilar|Stevens|Murray|Ford|Castro|Marshall|Owens|Harrison|Fernandez
McDonald|Woods|Washington|Kennedy|Wells|Vargas|Henry|Chen|Freeman|Webb|Tucker|Guzman
Burns|Crawford|Olson|Simpson|Porter|Hunter|Gordon|Mendez|Silva|Shaw|Snyder|Mason
Dixon|Munoz|Hunt|Hicks|Holmes|Palmer|Wagner|Black|Robertson|Boyd|Rose|Stone|Salazar
Fox|Warren|Mills|Meyer|Rice|Schmidt|Garza|Daniels|Ferguson|Nichols|Stephens|Soto
Weaver|Ryan|Gardner|Payne|Grant|Dunn|Kelley|Spencer|Hawkins|Arnold|Pierce|Hansen
Sharma|Gupta|Singh|Kumar|Wang|Zhang|Liu|Yamamoto|Tanaka|Sato|Suzuki|Park|Choi|Khan
Ahmed|Hassan|Ali|Ivanov|Petrov|Kowalski|Novak|Müller|Schneider|Rossi|Bianchi|Dubois
Lefebvre|Okafor|Mensah|Adeyemi|Nakamura|Haddad|Costa|Oliveira|Santos|Pereira|Larsen
""")

CITIES = _pool("""
New York|Los Angeles|Chicago|Houston|Phoenix|Philadelphia|San Antonio|San Diego|Dallas
San Jose|Austin|Jacksonville|Fort Worth|Columbus|Charlotte|Indianapolis|Seattle|Denver
Boston|El Paso|Nashville|Detroit|Portland|Las Vegas|Memphis|Louisville|Baltimore
Milwaukee|Albuquerque|Tucson|Fresno|Sacramento|Kansas City|Atlanta|Omaha|Raleigh
Miami|Oakland|Minneapolis|Tulsa|Cleveland|Wichita|New Orleans|Tampa|Honolulu|Anaheim
Aurora|Santa Ana|St. Louis|Riverside|Corpus Christi|Lexington|Pittsburgh|Anchorage
Stockton|Cincinnati|Saint Paul|Toledo|Greensboro|Newark|Plano|Henderson|Lincoln
Buffalo|Fort Wayne|Jersey City|Chula Vista|Orlando|St. Petersburg|Norfolk|Chandler
Laredo|Madison|Durham|Lubbock|Winston-Salem|Garland|Glendale|Hialeah|Reno|Baton Rouge
Irvine|Chesapeake|Irving|Scottsdale|Fremont|Gilbert|San Bernardino|Boise|Birmingham
Rochester|Richmond|Spokane|Des Moines|Montgomery|Modesto|Fayetteville|Tacoma|Shreveport
Toronto|Vancouver|Montreal|Calgary|Ottawa|London|Manchester|Leeds|Bristol|Glasgow
Edinburgh|Dublin|Cork|Sydney|Melbourne|Brisbane|Perth|Adelaide|Auckland|Wellington
Singapore|Mumbai|Bangalore|Delhi|Hyderabad|Chennai|Pune|Lagos|Nairobi|Accra|Cape Town
Johannesburg|Berlin|Munich|Hamburg|Paris|Lyon|Madrid|Barcelona|Lisbon|Porto|Rome|Milan
Amsterdam|Rotterdam|Brussels|Vienna|Zurich|Geneva|Stockholm|Oslo|Copenhagen|Helsinki
Warsaw|Prague|Budapest|Athens|Istanbul|Dubai|Doha|Tokyo|Osaka|Seoul|Busan|Taipei
Shanghai|Beijing|Shenzhen|Guangzhou|Hangzhou|Hong Kong|Manila|Jakarta|Bangkok|Hanoi
Kuala Lumpur|Mexico City|Guadalajara|Bogota|Lima|Santiago|Buenos Aires|Sao Paulo
""")

US_STATES = _pool("""
AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV
NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY
""")

COUNTRIES = _pool("""
United States|Canada|Mexico|Brazil|Argentina|Chile|Colombia|Peru|United Kingdom|Ireland
France|Germany|Spain|Portugal|Italy|Netherlands|Belgium|Switzerland|Austria|Sweden
Norway|Denmark|Finland|Poland|Czech Republic|Hungary|Greece|Turkey|Egypt|Morocco
Nigeria|Kenya|Ghana|South Africa|Ethiopia|India|Pakistan|Bangladesh|Sri Lanka|Nepal
China|Japan|South Korea|Taiwan|Vietnam|Thailand|Malaysia|Singapore|Indonesia
Philippines|Australia|New Zealand|Saudi Arabia|United Arab Emirates|Qatar|Israel
Jordan|Iceland|Estonia|Croatia|Romania|Ukraine
""")

STREET_NAMES = _pool("""
Main|Oak|Pine|Maple|Cedar|Elm|Washington|Lake|Hill|Park|Walnut|Sunset|Lincoln|Jackson
Church|River|Highland|Meadow|Forest|Willow|Spring|Ridge|Chestnut|Franklin|Jefferson
Madison|Adams|Mill|Center|Broad|Union|Market|Water|School|North|South|Prospect|Dogwood
Hickory|Sycamore|Birch|Aspen|Magnolia|Laurel|Juniper|Poplar|Holly|Cherry|Peach|Orchard
Valley|Canyon|Harbor|Bay|Ocean|Beach|Bridge|Station|Railroad|Mountain|Summit|Garden
Greenwood|Fairview|Riverside|Lakeview|Hillcrest|Woodland|Brookside|Kingston|Clinton
Grant|Monroe|Hamilton|Wilson|Cleveland|Kennedy|Roosevelt|Martin Luther King|Elmwood
Bayview|Cypress|Redwood|Sequoia|Bluebird|Cardinal|Robin|Heron|Eagle|Falcon|Quail
Foxglove|Primrose|Clover|Heather|Sage|Rosewood|Ivy|Lilac|Daisy|Tulip|Sunflower|Briar
Stonebridge|Millbrook|Ashford|Belmont|Carlisle|Dover|Essex|Glenwood|Hawthorne|Kendall
""")

STREET_TYPES = _pool("St.|Street|Ave.|Avenue|Rd.|Road|Lane|Blvd.|Drive|Way|Court|Place|Terrace")

COMPANY_PREFIXES = _pool("""
Blue|Apex|Northwind|Summit|Evergreen|Silverline|Redwood|Bright|Pioneer|Vertex|Atlas
Nova|Horizon|Keystone|Cascade|Harbor|Crescent|Granite|Sterling|Lumen|Orbit|Quantum
Falcon|Beacon|Cobalt|Crimson|Golden|Ironwood|Juniper|Lighthouse|Maple|Meridian|Oakridge
Pacific|Pinnacle|Prairie|Radiant|Riverbend|Sapphire|Skyline|Solstice|Stonegate|Sunrise
Trident|Upland|Valor|Westfield|Willowbrook|Zenith|Alder|Arbor|Aurora|Bluewater|Brightpath
Cardinal|Cedar|Clearwater|Copper|Coral|Cypress|Delta|Eastgate|Ember|Fairway|Firefly
Foxhill|Frontier|Gateway|Greenfield|Hawthorne|Highland|Hillside|Indigo|Ivory|Jade
Kestrel|Lakeshore|Landmark|Legacy|Liberty|Lotus|Magnolia|Marble|Mosaic|Nimbus|Northstar
Oasis|Onyx|Orchid|Paragon|Peregrine|Polaris|Quarry|Raven|Ridgeline|Rockwell|Saffron
Sequoia|Sierra|Silverleaf|Spruce|Starling|Tandem|Terra|Thistle|Topaz|Tundra|Unity
Vanguard|Velvet|Verdant|Vista|Wavecrest|Whitestone|Wildflower|Windmill|Yarrow|Zephyr
Acme|Brightwater|Coastal|Dynamo|Elevate|Fusion|Glacier|Halcyon|Insight|Kinetic|Lattice
""")

COMPANY_CORES = _pool("""
Logistics|Analytics|Foods|Dental|Realty|Consulting|Software|Systems|Solutions|Labs
Health|Insurance|Capital|Partners|Media|Studios|Energy|Solar|Motors|Outfitters|Bakery
Coffee|Fitness|Pharmacy|Robotics|Biotech|Payments|Security|Design|Construction|Builders
Plumbing|Electric|Landscaping|Travel|Tours|Hotels|Apparel|Cosmetics|Pet Supplies
Learning|Tutoring|Legal|Accounting|Marketing|Networks|Telecom|Shipping|Freight|Farms
Brewing|Winery|Furniture|Interiors|Auto Repair|Clinic|Veterinary|Printing|Events
Catering|Cleaning|Staffing|Recruiting|Cloud|Data|Games|Toys|Books|Optics|Aerospace
Materials|Chemicals|Textiles|Ceramics|Hardware|Electronics|Semiconductors|Water|Bikes
""")

COMPANY_SUFFIXES = _pool("Inc.|LLC|Ltd|Co.|Group|Corp.|GmbH|& Co.|Holdings|Partners LLC")

CHEM_COMPANY_CORES = _pool("""
Chemical Co., Ltd|Pharmaceutical Co., Ltd|Fine Chemicals Co., Ltd|Biotechnology Co., Ltd
Chemical Industry Co., Ltd|New Materials Co., Ltd|Pharmaceutical Technology Co., Ltd
Chemical Technology Co., Ltd|Bio-Pharm Co., Ltd|Industrial Co., Ltd|Chemicals Inc.
""")

CHEM_COMPANY_PLACES = _pool("""
Shanghai|Zhejiang|Jiangsu|Shandong|Hubei|Hebei|Wuhan|Nanjing|Suzhou|Hangzhou|Changzhou
Jinan|Qingdao|Tianjin|Chengdu|Xiamen|Ningbo|Taizhou|Shijiazhuang|Zhengzhou|Hefei
Guangdong|Shenzhen|Dalian|Mumbai|Hyderabad|Ahmedabad|Vadodara|Osaka|Incheon|Leverkusen
""")

CHEM_COMPANY_WORDS = _pool("""
Hengrui|Jiuzhou|Huahai|Xinhua|Zhongxing|Tianyu|Haoyuan|Ruibo|Aoke|Kangli|Bohai|Jinlong
Sanjiang|Yongtai|Hualu|Dongyue|Wanhua|Runtai|Xinfu|Baiyun|Jingxin|Minsheng|Changhong
Fuxing|Lianhe|Taihe|Guangda|Hongda|Kaiyuan|Shengda|Tongda|Weida|Xingfa|Yuanda|Zhonghe
Aarti|Deepak|Vinati|Navin|Alkyl|Sudarshan|Atul|Laurus|Divi|Kawaguchi|Nissin|Daejung
""")

JOB_TITLES = _pool("""
nurse|registered nurse|software engineer|data analyst|teacher|high school teacher
accountant|marketing manager|project manager|product manager|sales associate
customer service representative|graphic designer|web developer|mechanical engineer
civil engineer|electrician|plumber|pharmacist|physical therapist|dental hygienist
paralegal|lawyer|financial advisor|real estate agent|HR coordinator|recruiter
operations manager|office manager|administrative assistant|executive assistant
barista|chef|line cook|restaurant manager|warehouse supervisor|truck driver
construction worker|carpenter|architect|interior designer|photographer|video editor
journalist|copywriter|content writer|social media manager|UX designer|QA tester
DevOps engineer|data scientist|machine learning engineer|research scientist|lab technician
veterinarian|vet tech|medical assistant|radiology technician|paramedic|police officer
firefighter|librarian|school counselor|social worker|psychologist|physician
family doctor|surgeon|dentist|optometrist|pilot|flight attendant|hotel receptionist
event planner|travel agent|bank teller|loan officer|insurance agent|auditor
supply chain analyst|procurement specialist|business analyst|IT support specialist
network administrator|security analyst|database administrator|teaching assistant
PhD student|graduate student|postdoc|professor|lecturer|tutor|nanny|caregiver
personal trainer|yoga instructor|hairdresser|makeup artist|fashion designer
store manager|cashier|delivery driver|mechanic|welder|machinist|farm manager
landscaper|property manager|consultant|startup founder|CEO|CFO|CTO|sales director
account executive|customer success manager|technical writer|translator|interpreter
speech therapist|occupational therapist|midwife|pediatric nurse|ICU nurse
""")

HOSPITAL_SAINTS = _pool("""
Mary's|Luke's|Joseph's|Vincent's|Jude|Francis|Anne's|Elizabeth's|Michael's|Catherine's
Patrick's|John's|Peter's|Paul's|Clare's|Agnes|Thomas|Bernard's|David's|Andrew's
""")

ORG_PATTERNS = _pool("""
St. {saint} Hospital|{city} General Hospital|{city} Medical Center|University of {city}
{city} Community College|{city} Public Library|{city} Unified School District
{last} Elementary School|{last} High School|{last} & {last2} LLP|{city} City Council
{city} Children's Hospital|{last} Family Dental|{city} Police Department|{pre} Bank
{city} Regional Airport|{last} Memorial Clinic|{pre} {core} {suffix}|{pre} {core}
{last} {core}|{city} Credit Union|{pre} Health System|{city} Fire Department
{last} Institute of Technology|{city} Zoo|Department of {dept}, University of {city}
""")

DEPARTMENTS = _pool("""
Computer Science|Biology|Chemistry|Economics|Psychology|History|Mathematics|Physics
Nursing|Education|Sociology|Linguistics|Public Health|Mechanical Engineering|Philosophy
""")

EMAIL_DOMAINS = _pool("""
gmail.com|yahoo.com|outlook.com|hotmail.com|icloud.com|protonmail.com|aol.com|mail.com
""")

MONTHS = _pool("""
January|February|March|April|May|June|July|August|September|October|November|December
""")

WEEKDAYS = _pool("Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")

RELATIONS = _pool("""
mom|dad|sister|brother|wife|husband|girlfriend|boyfriend|best friend|roommate|boss
manager|coworker|landlord|neighbor|teacher|professor|son|daughter|grandma|grandpa
aunt|uncle|cousin|mother-in-law|father-in-law|team lead|client|mentor|coach|tenant
""")

# --- chemistry (the paper's "chemical industry" flood) --------------------------------

CHEM_POSITIONS = _pool("2|3|4|5|6|2,4|2,6|3,5|2,3|3,4")
CHEM_SUBSTITUENTS = _pool("""
Chloro|Bromo|Fluoro|Iodo|Methyl|Ethyl|Methoxy|Ethoxy|Nitro|Amino|Hydroxy|Cyano
Trifluoromethyl|Acetyl|Formyl|Carboxy|Dimethylamino|Phenyl|Benzyloxy|Vinyl|Isopropyl
tert-Butyl|Mercapto|Sulfamoyl|Hydrazino
""")
CHEM_PARENTS = _pool("""
pyridine|pyrimidine|benzaldehyde|benzoic acid|aniline|phenol|quinoline|isoquinoline
thiophene|indole|furan|pyrazine|pyridazine|imidazole|benzonitrile|acetophenone|toluene
nicotinic acid|pyrrole|thiazole|oxazole|benzimidazole|naphthalene|benzamide|piperidine
morpholine|pyrazole|quinazoline|benzothiazole|cyclohexanone
""")
CHEM_PLAIN = _pool("""
Ethyl acetate|Acetonitrile|Isopropanol|Dimethylformamide|Tetrahydrofuran|Methyl tert-butyl ether
Sodium borohydride|Lithium aluminium hydride|Potassium carbonate|Sodium hypochlorite
Ammonium sulfate|Calcium chloride|Titanium dioxide|Zinc oxide|Acrylic acid|Adipic acid
Phthalic anhydride|Maleic anhydride|Caprolactam|Bisphenol A|Epichlorohydrin|Styrene
Vinyl chloride|Ethylene glycol|Propylene oxide|Glycerol|Sorbitol|Citric acid|Lactic acid
Salicylic acid|Benzyl alcohol|Cinnamaldehyde|Vanillin|Menthol|Camphor|Caffeine|Ibuprofen
Paracetamol|Metformin|Atorvastatin|Omeprazole|Lisinopril|Amlodipine|Gabapentin
Sertraline|Fluoxetine|Losartan|Clopidogrel|Montelukast|Levothyroxine|Tramadol
Diclofenac|Ciprofloxacin|Azithromycin|Doxycycline|Prednisolone|Hydrochlorothiazide
""")
CHEM_ASPECTS = _pool("""
Applications|Production Process|Safety|Upstream and Downstream products|Synthetic Routes
Instruction
""")
CHEM_WORD_COUNTS = _pool("1500-2000|2000|1500|2000-2500")

# --- general English content -----------------------------------------------------------

ADJECTIVES = _pool("""
lonely|curious|brave|clumsy|ancient|tiny|enormous|mysterious|cheerful|grumpy|quiet|noisy
forgotten|haunted|secret|golden|silver|broken|shiny|rusty|magical|ordinary|elderly|young
stubborn|gentle|fierce|shy|ambitious|lazy|clever|foolish|wealthy|poor|famous|unknown
retired|nervous|sleepy|hungry|cautious|reckless|honest|sneaky|loyal|jealous|proud|humble
dusty|frozen|burning|floating|invisible|talking|robotic|wooden|glass|velvet|neon|rainy
sunny|snowy|windy|foggy|crowded|empty|abandoned|hidden|underground|orbital|coastal
mountain|desert|tropical|medieval|futuristic|Victorian|rural|urban|suburban|digital
vintage|handmade|homemade|organic|electric|solar|portable|wireless|smart|modular
miniature|giant|colorful|pale|dark|bright|sour|sweet|bitter|spicy|fragrant|silent|loud
restless|patient|generous|greedy|optimistic|pessimistic|anxious|calm|wild|tame|rare
""")

PERSON_NOUNS = _pool("""
lighthouse keeper|baker|astronaut|detective|librarian|farmer|pirate|knight|wizard|robot
dragon|cat|dog|fox|owl|teacher|student|nurse|firefighter|musician|painter|poet|chef
scientist|inventor|explorer|sailor|soldier|queen|king|prince|princess|ghost|vampire
mermaid|alien|time traveler|shopkeeper|taxi driver|mail carrier|gardener|beekeeper
blacksmith|clockmaker|fisherman|mountaineer|journalist|spy|thief|monk|nun|shepherd
orphan|grandmother|grandfather|twin|violinist|drummer|dancer|magician|clown|juggler
programmer|hacker|architect|carpenter|tailor|cobbler|potter|weaver|miner|lumberjack
zookeeper|veterinarian|pilot|train conductor|ship captain|archaeologist|historian
photographer|surfer|skateboarder|gamer|streamer|influencer|barista|waiter|mayor|judge
""")

THINGS = _pool("""
map|key|letter|diary|compass|lantern|mirror|clock|violin|umbrella|notebook|camera
bicycle|telescope|seed|feather|coin|ring|necklace|bottle|message|painting|photograph
recipe|song|garden|boat|train ticket|suitcase|blanket|teapot|radio|typewriter|kite
balloon|candle|book|sword|shield|crown|egg|stone|shell|leaf|snowflake|star|moon|cloud
storm|river|bridge|tower|castle|cottage|cabin|island|forest|cave|volcano|glacier|desert
city|village|market|library|museum|school|hospital|factory|farm|bakery|cafe|theater
spaceship|submarine|robot dog|puzzle box|treasure chest|music box|snow globe|hourglass
""")

VERBS_PAST = _pool("""
found|lost|built|broke|stole|painted|discovered|hid|opened|closed|fixed|sold|bought
wrote|read|burned|buried|planted|chased|followed|rescued|warned|invited|ignored|visited
cleaned|moved|repaired|designed|launched|cancelled|postponed|approved|rejected|signed
ordered|delivered|returned|shared|copied|deleted|updated|tested|reviewed|measured
counted|collected|organized|delayed|reported|announced|installed|replaced|borrowed
forgot|remembered|questioned|interviewed|hired|promoted|trained|taught|translated
""")

OBJECT_NOUNS = _pool("""
report|budget|invoice|contract|schedule|proposal|presentation|spreadsheet|website|app
database|server|laptop|printer|car|apartment|lease|kitchen|garden|fence|roof|office
meeting|deadline|survey|policy|manual|backlog|prototype|campaign|newsletter|website redesign
shipment|order|package|refund|warranty|subscription|account|password|payment|receipt
grant application|thesis|dissertation|essay|lab report|exam|homework|syllabus|lesson plan
menu|recipe|catering order|wedding plan|birthday party|vacation|flight|hotel booking
project plan|quarterly review|annual report|marketing plan|press release|job posting
onboarding guide|training program|safety checklist|inventory list|price list|floor plan
""")

TIME_PHRASES = _pool("""
last Tuesday|yesterday|this morning|two weeks ago|last month|over the weekend|on Friday
before the deadline|after lunch|during the meeting|at midnight|earlier today|last year
three days ago|in the spring|right before the holidays|at the end of the quarter
""")

HOBBIES = _pool("""
hiking|baking|knitting|chess|rock climbing|photography|gardening|painting|cycling|running
swimming|fishing|camping|birdwatching|woodworking|pottery|reading fantasy novels|jazz
salsa dancing|video games|board games|cooking Thai food|surfing|skiing|snowboarding|yoga
meditation|playing guitar|playing piano|singing in a choir|astronomy|collecting stamps
vintage cars|anime|poetry|stand-up comedy|volunteering|sailing|horse riding|archery
calligraphy|origami|bread making|coffee roasting|home brewing|marathon training|tennis
""")

ESSAY_TOPICS = _pool("""
climate change|social media and mental health|remote work|universal basic income
the history of the printing press|renewable energy|artificial intelligence in healthcare
school uniforms|space exploration|the importance of sleep|fast fashion|electric vehicles
online privacy|the gig economy|video games and learning|standardized testing|nuclear power
urban gardening|the four-day work week|plastic pollution|public transportation
the ethics of gene editing|cryptocurrency regulation|the role of museums|minimum wage
homeschooling|the benefits of bilingualism|water scarcity|smartphone addiction
the Industrial Revolution|the Roman Empire|the Cold War|the French Revolution
the Renaissance|the civil rights movement|the invention of the internet|vaccines
ocean acidification|deforestation in the Amazon|fair trade coffee|animal testing
the future of libraries|self-driving cars|the value of art education|volunteering
""")

SCIENCE_CONCEPTS = _pool("""
photosynthesis|quantum entanglement|black holes|plate tectonics|natural selection|inflation
the Krebs cycle|general relativity|special relativity|the Doppler effect|entropy|CRISPR
the immune system|mitochondria|DNA replication|the water cycle|supply and demand
compound interest|the greenhouse effect|nuclear fusion|nuclear fission|superconductivity
the Higgs boson|dark matter|dark energy|the Big Bang|tides|the ozone layer|vaccination
antibiotic resistance|blockchain|public key cryptography|neural networks|backpropagation
gradient descent|the Fourier transform|Bayes' theorem|the central limit theorem|p-values
the Pythagorean theorem|prime numbers|the Monty Hall problem|game theory|opportunity cost
the placebo effect|cognitive dissonance|confirmation bias|the bystander effect|circadian rhythms
the Coriolis effect|lightning|rainbows|auroras|volcanoes|earthquakes|hurricanes|El Nino
the stock market|bonds|index funds|the Federal Reserve|GDP|the electoral college
the separation of powers|the Magna Carta|the Silk Road|the printing press|the Cold War
how vaccines work|how airplanes fly|how batteries work|how GPS works|how the heart pumps blood
how compilers work|how the internet routes packets|how search engines rank pages
how solar panels work|how noise-cancelling headphones work|how refrigerators work
""")

AUDIENCES = _pool("""
a five-year-old|a high school student|a college freshman|my grandmother|a non-technical manager
a beginner programmer|an expert|a busy executive|my team|new employees|parents
a job interview panel|a kindergarten class|first-year medical students|investors
""")

TONES = _pool("""
formal|friendly|professional|casual|humorous|persuasive|empathetic|enthusiastic|polite
confident|neutral|warm|concise|playful|serious|inspirational|sarcastic
""")

AUTHORS = _pool("""
Shakespeare|Edgar Allan Poe|Dr. Seuss|Ernest Hemingway|Jane Austen|Mark Twain|Emily Dickinson
Stephen King|J.R.R. Tolkien|Agatha Christie|Hunter S. Thompson|Maya Angelou|Rumi|Haruki Murakami
a pirate|a Victorian butler|a sports commentator|a noir detective|a medieval bard|Yoda
""")

WRITING_FORMS = _pool("""
short story|poem|haiku|limerick|sonnet|essay|blog post|speech|song|rap verse|fairy tale
bedtime story|diary entry|movie scene|screenplay scene|monologue|dialogue|fable|ballad
product review|toast|eulogy|opening paragraph|flash fiction piece|villanelle|free verse poem
""")

PLACES = _pool("""
a small fishing village|a space station orbiting Mars|a Victorian mansion|a busy hospital
a high school cafeteria|an abandoned amusement park|a floating city|a desert oasis
a snowed-in mountain cabin|a late-night diner|a pirate ship|a bustling night market
a quiet public library|a haunted lighthouse|a underground bunker|a tropical island
a crowded subway car|a royal palace|a rainforest research camp|a tiny apartment in Tokyo
a vineyard in Tuscany|a lunar colony|a dragon's cave|a medieval castle|a jazz club in 1920s Chicago
""")

PRODUCTS = _pool("""
reusable water bottle|standing desk|noise-cancelling headphones|meal kit|budgeting app
language learning app|electric scooter|smart thermostat|organic dog food|handmade soap
running shoes|plant-based protein powder|coffee subscription|online course|project management tool
fitness tracker|ergonomic chair|camping tent|phone case|skincare serum|air purifier|robot vacuum
e-bike|tea blend|candle line|cookbook|board game|podcast|newsletter|mobile game|CRM software
""")

BUSINESS_TYPES = _pool("""
coffee shop|food truck|bakery|yoga studio|dog grooming business|bookstore|bike repair shop
cleaning service|tutoring service|SaaS startup|mobile app|bubble tea shop|vintage clothing store
landscaping company|photography studio|wedding planning business|craft brewery|plant nursery
escape room|co-working space|daycare|meal prep service|pet sitting business|thrift store
web design agency|car wash|ice cream parlor|music school|fitness bootcamp|tattoo studio
""")

BUSINESS_GOALS = _pool("""
attracts college students|stands out from big chains|targets remote workers|appeals to retirees
focuses on sustainability|works with a tiny budget|can grow through word of mouth
serves busy parents|targets small businesses|runs entirely online|appeals to tourists
""")

ROLES = _pool("""
a medieval innkeeper|a grumpy wizard|a job interviewer at Google|a Socratic tutor|a pirate captain
a Linux terminal|a travel agent|a personal trainer|a therapist|a Dungeon Master|a detective
a stand-up comedian|a customer support agent|a Shakespearean actor|an alien ambassador
a startup investor|a strict math teacher|a fortune teller|a sommelier|a spaceship AI
a historical tour guide|a noir private eye|a chess grandmaster|a barista|a car salesman
a drill sergeant|a Victorian ghost|a cat who can talk|a news anchor|a poet laureate
a Roman senator|a museum curator|a football coach|a hotel concierge|an elven queen
""")

USER_ROLES = _pool("""
a lost traveler|a new recruit|a nervous student|a curious tourist|a rival pirate
a customer with a complaint|a job candidate|a young apprentice|a skeptical journalist
a time traveler from 2300|a detective's assistant|a shy villager|an investor|a patient
""")

SYMPTOMS = _pool("""
headaches|lower back pain|trouble sleeping|heartburn|dizziness|a sore throat|knee pain
fatigue|anxiety|a persistent cough|itchy skin|stomach cramps|shoulder pain|blurry vision
ringing in my ears|tight hamstrings|high blood pressure|seasonal allergies|migraines
""")

LIFE_SITUATIONS = _pool("""
my manager keeps giving me extra work|I got two job offers|my roommate never cleans up
I want to change careers|my partner and I keep arguing about money|I feel burned out
I'm moving to a new city|I failed an important exam|my friend stopped replying to me
I was passed over for a promotion|I want to ask for a raise|I'm starting a new job soon
my parents disapprove of my partner|I can't stick to a workout routine|I procrastinate a lot
I have a job interview next week|my team missed a deadline|I'm nervous about public speaking
""")

COURSES = _pool("""
biology|chemistry|history|economics|psychology|statistics|calculus|English literature
philosophy|marketing|accounting|nursing|computer science|political science|sociology
""")

MATH_ITEMS = _pool("""
apples|marbles|pencils|stickers|cookies|books|toy cars|cupcakes|oranges|balloons|cards
coins|stamps|seashells|candies|notebooks|tickets|flowers|eggs|bottles|boxes|bricks
""")

MATH_EXPRS = _pool("""
x^2 + 3x|sin(x) * cos(x)|e^(2x)|ln(x^2 + 1)|x^3 - 4x + 7|sqrt(x) + 1/x|x * e^x|tan(3x)
(2x + 1)^5|x^2 * ln(x)|1/(1 + x^2)|cos(x^2)|3x^4 - 2x^2 + x|arctan(x)|x / (x + 1)
""")

# --- programming ----------------------------------------------------------------------

PROG_VERBS = _pool("""
parse|load|save|fetch|update|delete|create|compute|count|filter|sort|merge|split|validate
format|convert|render|send|read|write|build|find|get|set|check|normalize|encode|decode
group|sum|average|clean|export|import|sync|resolve|transform|extract|generate|score
""")

PROG_NOUNS = _pool("""
user|order|invoice|item|product|customer|account|payment|record|event|message|file|line
row|column|token|word|price|score|node|edge|task|job|ticket|review|rating|comment|post
image|pixel|matrix|vector|date|timestamp|config|setting|session|request|response|header
student|grade|employee|salary|book|author|movie|playlist|song|city|station|sensor|reading
transaction|balance|cart|coupon|shipment|address|email|phone|note|tag|category|inventory
""")

CODE_ENTITIES = _pool("""
users|orders|invoices|products|customers|accounts|payments|events|messages|log lines
employees|students|books|movies|songs|cities|sensors|transactions|tickets|reviews
comments|tweets|files|URLs|emails|temperatures|stock prices|words|sentences|tasks
""")

CODE_FIELDS = _pool("""
age|price|total|status|created_at|email|country|score|rating|quantity|duration|name
category|department|salary|balance|zip_code|timestamp|priority|due_date|city|level
""")

FILE_FORMATS = _pool("CSV|JSON|YAML|XML|Excel|Parquet|text|log|TOML|SQLite")

PYTHON_LIBS = _pool("""
pandas|numpy|requests|flask|django|fastapi|matplotlib|seaborn|scikit-learn|pytorch|tensorflow
beautifulsoup|selenium|sqlalchemy|asyncio|pydantic|openpyxl|opencv|tkinter|pygame|streamlit
""")

JS_LIBS = _pool("""
React|Vue|Angular|Express|Node.js|Next.js|jQuery|Axios|TypeScript|Svelte|D3.js|Three.js|Jest
""")

CONCEPTS_BY_LANG = {
    "Python": _pool("""
list comprehensions|generators|decorators|context managers|the GIL|asyncio|dataclasses
type hints|*args and **kwargs|lambda functions|virtual environments|metaclasses|slots
the walrus operator|f-strings|iterators|closures|deep copy|shallow copy|exceptions
"""),
    "JavaScript": _pool("""
promises|async/await|closures|the event loop|hoisting|prototypes|arrow functions|this
var|let|const|callbacks|map and reduce|destructuring|the spread operator|modules
"""),
    "SQL": _pool("""
INNER JOIN|LEFT JOIN|GROUP BY|HAVING|window functions|CTEs|indexes|subqueries|UNION
transactions|foreign keys|normalization|views|stored procedures|NULL handling
"""),
    "Rust": _pool("""
ownership|borrowing|lifetimes|traits|Box|Rc|Arc|Mutex|pattern matching|enums|iterators
the ? operator|async in Rust|macros|generics|slices|String and &str|Cargo workspaces
"""),
    "C++": _pool("""
pointers|references|smart pointers|move semantics|templates|virtual functions|RAII
the STL|vectors|iterators|const correctness|lambdas|undefined behavior|header files
"""),
}
