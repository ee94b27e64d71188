"""Word pools of the public pre-training corpus (:mod:`.pretraining`).

Why a module of its own: the public corpus must not be built from the private demo
corpus' pools (:mod:`.vocab`, :mod:`.pii`, :mod:`.code_snippets`), so that "public" is
true by construction and not only by a test. These lists are written for the kinds of
questions people post on forums and ask assistants (tech support, home repair, cooking,
travel, money, study, ...). Generic English overlaps with the private pools, and that is
fine; what matters is that the public side carries no personal data (no person names,
phone numbers, emails, street addresses, employers) and shares no long word runs with the
private corpus.

Every pool is a tuple of strings; ``_pool`` splits a ``|``- or newline-separated block.
"""

from __future__ import annotations

from dp_instructions.demo.template import word_pool as _pool

# --- people without names ---------------------------------------------------------------

KIN = _pool("""
sister|brother|mom|dad|mother|father|grandma|grandpa|aunt|uncle|cousin|niece|nephew
son|daughter|kid|teenager|toddler|partner|wife|husband|boyfriend|girlfriend|fiancé
roommate|neighbor|best friend|coworker|boss|manager|team lead|landlord|mother-in-law
father-in-law|stepdad|stepmom|godson|goddaughter|flatmate|colleague|mentor|tutor
""")

GROUPS = _pool("""
a group of friends|two adults and two kids|my partner and me|a family of five|a school class
a small team|a hiking club|my parents|a couple of coworkers|three college students
a retired couple|a youth soccer team|a book club|a solo traveler|a bunch of teenagers
""")

LEARNER_LEVELS = _pool("""
a complete beginner|a total newbie|a self-taught hobbyist|a second-year student|an absolute beginner
someone with no background|a retired engineer|a high schooler|a career changer|an intermediate learner
a weekend tinkerer|someone who only knows the basics|a nursing student|a first-time homeowner
""")

# --- tech ----------------------------------------------------------------------------------

CODE_LANGS = _pool("""
Python|JavaScript|TypeScript|Java|C#|Go|Kotlin|Swift|PHP|Ruby|Bash|R|C|Dart|Lua|Scala|Perl
""")

#: Verb phrases a programmer searches for ("how do I ...").
CODE_GOALS = _pool("""
reverse a string|remove duplicates from a list but keep the order|read a text file line by line
check if a key exists in a dictionary|flatten a nested list|merge two sorted arrays
turn a string into a date|round a float to two decimal places|get the current unix timestamp
split a string on commas and trim the spaces|count how often each word appears|sort objects by one property
send a POST request with a JSON body|parse command line arguments|run a function every few minutes
pad a number with leading zeros|shuffle an array in place|find the index of the max value
check whether a string is a palindrome|convert a list of tuples into a dict|deep clone an object
remove all whitespace from a string|capitalize the first letter of each word|generate a random password
check if a file exists before opening it|read environment variables|write a list to a CSV file
list all files in a folder recursively|download an image from a URL|retry a request after a timeout
debounce a search input|format a number as currency|compare two dates ignoring the time
chunk a list into groups of equal size|zip two lists together|find common items in two lists
validate an email field on a form|sleep for half a second|catch two exceptions in one block
read a JSON config file|measure how long a function takes|make a copy of an array
convert Celsius to Fahrenheit|check if a number is prime|get the last element of a list
join an array of strings with a separator|strip HTML tags from text|escape quotes in a string
loop over a dictionary by key and value|sum the digits of a number|check if two strings are anagrams
convert a hex color to RGB|find the second largest number in an array|transpose a matrix
build a simple REST endpoint|connect to a local database|hash a password safely
remove an item from a list by value|check if a string contains only digits|get unique values from an array
convert a dict to JSON and back|count lines in a big file without loading it|rename files in bulk
read an Excel sheet|make a progress bar in the terminal|sort a dictionary by its values
find duplicates in a list|convert a timestamp to a readable date|check if a year is a leap year
get the difference between two dates in days|reverse the words in a sentence
limit how often a function can be called|cache the result of a slow function|read a file from a zip archive
generate a UUID|validate a URL|parse a query string|extract numbers from a string
turn a CSV row into an object|send an email from a script|resize an image|print a table nicely in the terminal
compress a folder into a zip file
""")

CODE_THINGS = _pool("""
a to-do list app|a tic-tac-toe game|a weather widget|a calculator|a quiz game|a snake game
a unit converter|a pomodoro timer|a markdown previewer|a URL shortener|a chat bot for my server
a recipe manager|an expense tracker|a flashcard app|a password generator|a countdown timer
a web scraper for book prices|a budget spreadsheet macro|a hangman game|a dice roller
a file renamer|a plant watering reminder|a personal blog|a portfolio site|a guessing game
""")

DEV_TOOLS = _pool("""
git|Docker|VS Code|npm|pip|conda|Maven|Gradle|webpack|Vite|Kubernetes|nginx|PostgreSQL
MySQL|SQLite|MongoDB|Redis|GitHub Actions|Jupyter|IntelliJ|Xcode|Android Studio|Homebrew
WSL|Vim|Excel VBA|Google Sheets|Postman|yarn|Jenkins|Terraform|Ansible|cron|PowerShell
Rust|Node|Django|Flask|React|Vue|Svelte|Tailwind|Bootstrap|Firebase|Supabase|Heroku|AWS Lambda|Cloudflare
Figma|Unity|Godot|Arduino|Raspberry Pi|Blender|Excel formulas|Power BI|Tableau|Zapier
""")

DEV_PROBLEMS = _pool("""
a merge conflict I don't understand|a detached HEAD state|port 3000 is already in use
permission denied when I run the script|a CORS error in the browser console|an out of memory error
an infinite loop that freezes the page|a segmentation fault|a null pointer exception
a stack overflow in my recursive function|a timeout when the tests run in CI|a dependency version clash
an SSL certificate error|a blank white screen after deploying|a missing semicolon somewhere
unicode characters showing up as question marks|dates off by one day because of time zones
a build that works locally but fails on the server|slow queries on a big table
a race condition between two threads|a memory leak in a long running process
""")

#: Short identifiers for the public code snippets (fruit, shapes, games; not business records).
CODE_NAMES = _pool("""
fruit|planet|shape|player|level|card|deck|tile|color|animal|pet|plant|ball|score|step|word
letter|guess|move|board|cell|grid|coin|gem|enemy|bullet|star|cloud|song|album|track|quote
recipe|meal|sock|sticker|lamp|robot|bird|fish|tree|leaf|door|room|cup|cookie|pizza|candy
""")

CODE_SUFFIXES = _pool("names|list|count|total|map|pos|size|idx|vals|text|info|box|rows|nums|cache")

# --- tech support ------------------------------------------------------------------------

DEVICES = _pool("""
laptop|phone|printer|router|smart TV|tablet|Chromebook|gaming console|pair of wireless earbuds
smartwatch|external hard drive|second monitor|mechanical keyboard|webcam|desktop PC|mesh Wi-Fi system
e-reader|Bluetooth speaker|USB hub|graphics card|gaming mouse|old iPad|Android phone|iPhone
MacBook|Windows PC|home server|NAS box|soundbar|streaming stick|smart doorbell|robot vacuum cleaner
smart plug|smart light bulb|printer scanner|dash cam|VR headset|baby monitor|fitness band|digital photo frame
old Kindle|Wi-Fi extender|docking station|portable SSD|drawing tablet|microphone|ring light
""")

OSES = _pool("""
Windows 10|Windows 11|macOS|Ubuntu|Linux Mint|Fedora|Android|iOS|ChromeOS|iPadOS|Debian
""")

DEVICE_FAULTS = _pool("""
keeps dropping the Wi-Fi connection|won't turn on at all|has become really slow|makes a clicking noise
gets very hot|drains its battery in a few hours|has a flickering screen|won't charge anymore
freezes at random|shows a blue screen|has no sound|can't be found by my other devices
restarts by itself|shows the wrong time|won't connect over Bluetooth|is stuck on the logo
keeps asking for a password I never set|fills up its storage for no reason|has a dead pixel
turns off when I unplug it|lags when I type|won't update|says the disk is full
""")

FAULT_TRIGGERS = _pool("""
after the latest update|since yesterday|when I plug in the charger|every time I open the browser
whenever I join a video call|after I moved it to another room|out of nowhere|since I installed an antivirus
after a power cut|when more than two people are home|only in the evenings|after I spilled a bit of water on it
right after it wakes from sleep|when I play games|since I changed my internet plan|after a factory reset
""")

TRIED_FIXES = _pool("""
restarting it|unplugging it for a minute|updating the drivers|resetting the network settings
reinstalling the app|clearing the cache|running the built-in troubleshooter|switching cables
turning Bluetooth off and on|checking for updates|booting into safe mode|removing the battery
changing the Wi-Fi channel|logging out and back in|a different power outlet|a different browser
""")

APPS = _pool("""
my email app|the browser|the banking app|the photo app|the music app|a spreadsheet program
the video call app|the printer software|my password manager|the calendar app|the file explorer
the app store|my antivirus|the cloud backup app|a PDF reader|the camera app|the maps app
""")

# --- home, DIY, cleaning -------------------------------------------------------------------

HOME_JOBS = _pool("""
fix a leaky faucet|unclog a bathroom sink|patch a small hole in drywall|hang a heavy mirror
paint a ceiling without streaks|replace a light switch|re-caulk a bathtub|strip old wallpaper
fix a squeaky door hinge|level a wobbly table|put up floating shelves|clean dirty grout
get rid of mold on a window sill|stop a drafty window|replace a toilet flapper|sharpen kitchen knives
remove a stripped screw|fix a running toilet|seal a wooden deck|install a dimmer switch
clean a clogged dryer vent|remove rust from cast iron|fix a sticking drawer|descale a kettle
remove a stain from a carpet|fix a dripping shower head|clean a smelly dishwasher|reset a garage door opener
lay peel-and-stick tiles|sand and refinish a chair|fix a loose stair railing|hang curtains without drilling
bleed a radiator|replace a cracked tile|clean an oven without harsh chemicals|patch a hole in a screen door
replace a cabinet hinge|fix a leaking washing machine hose|paint kitchen cabinets|replace a shower cartridge
fill gaps between floorboards|fix a stuck window|install a new doorknob|replace weather stripping on a door
unclog a gutter|fix a noisy radiator pipe|regrout a shower|change a ceiling light fixture
fix a cracked driveway|anchor a bookshelf to the wall|replace a broken fence board|fix a loose toilet seat
soundproof a bedroom wall|mount a TV on drywall|replace a kitchen faucet|remove a popcorn ceiling
fix a dripping outdoor tap|repair a torn window screen|install a smart thermostat|replace a bathroom fan
""")

ROOMS = _pool("""
kitchen|bathroom|basement|garage|hallway|bedroom|attic|laundry room|home office|living room
porch|shed|nursery|guest room|utility closet|balcony|back yard|front steps
""")

MATERIALS = _pool("""
drywall|plaster|hardwood|laminate|tile|concrete|brick|vinyl|pine|oak|plywood|granite|marble
stainless steel|cast iron|linoleum|cedar|bamboo|particle board|ceramic|porcelain|glass
""")

TOOLS = _pool("""
a cordless drill|a stud finder|wood filler|silicone caulk|sandpaper|a putty knife|a pipe wrench
an orbital sander|a level|painter's tape|a plunger|a multimeter|a hacksaw|a heat gun
a staple gun|a utility knife|a jigsaw|a caulking gun|a set of hex keys|a wire brush
""")

SURFACES = _pool("""
tile floor|laminate floor|hardwood floor|plaster wall|brick wall|drywall ceiling|granite countertop
concrete floor|vinyl flooring|wooden deck|painted ceiling|tiled backsplash|wooden stair|grout line
""")

CLEAN_THINGS = _pool("""
a white sofa|hard water stains|a burnt pan|a yellowed pillow|a greasy range hood|foggy headlights
a mattress|suede boots|a microwave|shower glass|a stainless fridge door|a rusty bike chain
coffee stains on a mug|sticky residue from a label|a moldy shower curtain|a smelly drain
""")

# --- cooking ---------------------------------------------------------------------------

DISHES = _pool("""
banana bread|chicken curry|lasagna|pancakes|fried rice|chili|sourdough bread|mac and cheese
lentil soup|beef stew|risotto|tacos|pad thai|meatballs|carrot cake|brownies|chocolate chip cookies
pizza dough|hummus|guacamole|roast chicken|omelette|french toast|potato salad|ramen|dumplings
vegetable stir fry|shepherd's pie|apple pie|cheesecake|granola|pulled pork|falafel|paella
tomato sauce from scratch|focaccia|muffins|scones|coleslaw|quiche|mashed potatoes|gumbo|pesto
overnight oats|pho|biryani|shakshuka|cornbread|pot roast|tiramisu|lemon bars|spring rolls
chicken noodle soup|baked ziti|fish tacos|teriyaki salmon|egg fried noodles|beef burgers|veggie burgers
minestrone|clam chowder|butter chicken|chana masala|jambalaya|enchiladas|quesadillas|stuffed peppers
chicken pot pie|cinnamon rolls|bagels|pita bread|naan|tortillas|pretzels|shortbread|pavlova|bread pudding
rice pudding|peach cobbler|key lime pie|crepes|waffles|sushi rice|miso soup|kimchi fried rice|bibimbap
katsu curry|laksa|tom yum soup|green curry|carbonara|gnocchi|polenta|ratatouille|moussaka|borscht|goulash
pierogi|empanadas|arepas|ceviche|frittata|meatloaf|baked beans|fried chicken|roast vegetables
stuffed mushrooms|garlic bread|caesar salad|tabbouleh|baba ganoush
""")

INGREDIENTS = _pool("""
eggs|butter|buttermilk|heavy cream|sour cream|brown sugar|honey|baking powder|baking soda
all-purpose flour|cornstarch|yeast|milk|olive oil|soy sauce|fish sauce|garlic|onions|shallots
fresh basil|cilantro|lemon juice|white wine|chicken stock|tomato paste|coconut milk|ricotta
parmesan|greek yogurt|maple syrup|vanilla extract|cocoa powder|rice vinegar|tahini|chickpeas
cream cheese|mascarpone|feta|cheddar|mozzarella|almond flour|oat milk|almond milk|coconut oil|vegetable oil
sesame oil|red wine vinegar|apple cider vinegar|balsamic vinegar|dijon mustard|mayonnaise|ketchup|sriracha
miso paste|gochujang|curry paste|smoked paprika|cumin|turmeric|cinnamon|nutmeg|ginger|lemongrass|dried oregano
fresh thyme|rosemary sprigs|parsley|spinach|kale|zucchini|eggplant|mushrooms|bell peppers|sweet potatoes
canned tomatoes|black beans|lentils|quinoa|brown rice|rolled oats|breadcrumbs|panko|gelatin|powdered sugar
molasses|dark chocolate|raisins|walnuts|pecans|peanut butter
""")

DIETS = _pool("""
vegetarian|vegan|gluten-free|dairy-free|low-carb|nut-free|low-sodium|high-protein|egg-free
kid-friendly|budget|one-pot|no-oven|halal|pescatarian|low-fat|sugar-free
""")

KITCHEN_GEAR = _pool("""
an air fryer|a slow cooker|an instant pot|a cast iron skillet|a dutch oven|a rice cooker
a toaster oven|a pizza stone|a nonstick pan|a wok|a sheet pan|a microwave
a pressure cooker|a sous vide stick|a bread machine|a grill pan|a convection oven
""")

COOK_PROBLEMS = _pool("""
came out dense|sank in the middle|is too salty|turned out dry|is too runny|burned on the bottom
never rose|tastes bland|split and looks grainy|stuck to the pan|went gummy|is too sweet
fell apart|stayed raw in the middle|got soggy|tastes bitter
""")

# --- travel ---------------------------------------------------------------------------------

DESTINATIONS = _pool("""
Japan|Portugal|Iceland|Peru|Vietnam|Greece|Morocco|New Zealand|Scotland|Costa Rica|Norway
Croatia|Thailand|Mexico|Italy|Spain|Canada|Kenya|Ireland|Chile|Turkey|Egypt|Switzerland
Lisbon|Kyoto|Barcelona|Rome|Prague|Vienna|Amsterdam|Edinburgh|Reykjavik|Hanoi|Seoul|Tokyo
Buenos Aires|Mexico City|Cape Town|Budapest|Copenhagen|Marrakech|Bali|the Scottish Highlands
the Amalfi Coast|Patagonia|the Swiss Alps|Yellowstone|the Grand Canyon|Banff|Tasmania
the Greek islands|the Dolomites|Hokkaido|Sicily|Seville|Krakow|Bruges|Quebec City|Oaxaca
Sri Lanka|Cambodia|Laos|Nepal|Oman|Armenia|Albania|Montenegro|Slovenia
Estonia|Latvia|Lithuania|Finland|Sweden|Denmark|the Netherlands|Belgium|Austria|Hungary|Poland|Romania
Bulgaria|Malta|Cyprus|the Azores|Madeira|the Canary Islands|Sardinia|Corsica|Provence|Normandy
Bavaria|the Black Forest|Cornwall|the Lake District|Wales|Northern Ireland|Nova Scotia|Vancouver Island|Alaska
Hawaii|Colorado|Utah|New Mexico|Maine|Vermont|the Florida Keys|Puerto Rico|Belize|Guatemala|Colombia|Ecuador
the Galapagos|Bolivia|Uruguay|Tanzania|Namibia|Botswana|Rwanda|Zanzibar|Mauritius|the Maldives|Taiwan
Singapore|Malaysia|the Philippines|Fiji|Queensland|Western Australia
""")

TRIP_KINDS = _pool("""
a week-long trip|a long weekend|a two-week road trip|a backpacking trip|a honeymoon
a family vacation|a solo trip|a budget trip|a hiking trip|a city break
a first trip abroad|a train journey|a camping trip|a food-focused trip
""")

TRAVEL_WORRIES = _pool("""
jet lag|getting around without a car|tipping customs|carrying cash vs card|staying safe at night
what to pack for rain|travel insurance|visa rules|phone data abroad|altitude sickness
eating out with allergies|overpacking|bringing a stroller|booking trains in advance
language barriers|crowds in peak season|long layovers|lost luggage|traveling with a dog
getting sick abroad|travel with a toddler|using ATMs abroad|car rental insurance
driving on the other side of the road|finding vegetarian food|travel adapters|motion sickness on ferries
solo dining|overtourism|scams at train stations|changing money at the airport
""")

SEASONS = _pool("""
in spring|in early summer|in August|in the fall|in winter|over Christmas|in the rainy season
during school holidays|in late September|in March|in the off season|around New Year
in early spring|in the summer holidays|at Easter|in November|in late May|in the shoulder season
during the monsoon|in early December
""")

# --- money, careers ---------------------------------------------------------------------

MONEY_TOPICS = _pool("""
an emergency fund|a Roth IRA|index funds|a high-yield savings account|a credit score|a 401(k)
paying off credit cards|a mortgage|renting vs buying|a car loan|budgeting apps|the 50/30/20 rule
a health savings account|dollar-cost averaging|compound interest|a certificate of deposit
a balance transfer card|student loan refinancing|an annuity|bonds|ETFs|dividend stocks
a sinking fund|zero-based budgeting|a side hustle|a debt snowball|a debt avalanche|term life insurance
""")

MONEY_GOALS = _pool("""
save for a house deposit|pay off my student loans faster|stop living paycheck to paycheck
build an emergency fund|start investing with a small amount|save for a wedding|cut my grocery bill
retire a bit early|pay for a used car in cash|save for my kid's college|get out of overdraft
lower my monthly bills|budget on an irregular income|save for a trip next year
""")

JOBS_GENERIC = _pool("""
software developer|nurse|teacher|data analyst|graphic designer|accountant|electrician
project manager|UX designer|paralegal|pharmacist|mechanic|chef|librarian|social worker
product manager|lab technician|dental hygienist|web developer|civil engineer|copywriter
sales rep|barista|warehouse worker|physical therapist|carpenter|translator|recruiter
marketing coordinator|IT support technician|bank teller|retail manager|flight attendant
plumber|welder|truck driver|dentist|veterinarian|architect|HR specialist|customer service rep
real estate agent|photographer|journalist|researcher|pilot|police officer|firefighter|hairdresser
personal trainer|video editor|game developer|data scientist|cybersecurity analyst|occupational therapist
speech therapist|school counselor|event planner|baker|florist|tailor
""")

CAREER_TOPICS = _pool("""
a gap in my resume|asking for a raise|a bad performance review|switching careers at 40
a job offer with lower pay but better hours|a toxic workplace|networking as an introvert
negotiating a remote work arrangement|getting my first job without experience
a counter offer from my current job|quitting without another job lined up|a four-day week
a long commute|going back to school part time|freelancing on the side|burnout
a manager who micromanages|being underpaid compared to new hires|asking for more responsibility
taking a pay cut for a better job|a job that looks nothing like the description
working with a difficult client|moving from freelance to full time|getting a reference from an old job
a probation review|relocating for work|taking parental leave|an unpaid internship offer
""")

INTERVIEW_QS = _pool("""
tell me about yourself|what is your biggest weakness|why do you want to work here
where do you see yourself in five years|describe a conflict with a coworker
why are you leaving your current job|what are your salary expectations
tell me about a time you failed|what makes you a good fit for this role
""")

# --- health, fitness -------------------------------------------------------------------

WORKOUTS = _pool("""
a couch to 5k plan|a full-body dumbbell workout|a beginner push-up routine|a stretching routine
a home workout with no equipment|a kettlebell circuit|a 20-minute HIIT session|a leg day
a beginner yoga flow|a swimming workout|a rowing machine plan|a pull-up progression
a weekly running schedule|a core workout|a mobility routine for desk workers|a walking plan
a beginner cycling plan|a stair climbing workout|a resistance band routine|a hiking training plan
a balance routine|a glute workout|a stretching plan for tight hips|a jump rope routine|a beginner swim plan
a low-impact cardio routine|a plank challenge
""")

FITNESS_GOALS = _pool("""
run a 10k|do my first pull-up|touch my toes|get stronger without a gym|improve my posture
lose a bit of weight|build muscle on a budget|sleep better|get back in shape after a break
walk ten thousand steps a day|have more energy in the afternoon|keep up with my kids
""")

WELLNESS_TOPICS = _pool("""
drinking enough water|getting more protein|cutting back on sugar|caffeine and sleep
screen time before bed|stretching after running|rest days|electrolytes|counting calories
intermittent fasting|warming up properly|sore muscles after a workout|posture at a desk
meal prepping for the week|fiber|eating more vegetables|breathing exercises|sunscreen
magnesium|creatine|afternoon naps|standing desks|cold showers|foam rolling|step counts|heart rate zones
protein shakes|eating late at night|alcohol and sleep|vitamin D in winter|taking the stairs
""")

# --- study, language learning --------------------------------------------------------------

SUBJECTS = _pool("""
algebra|geometry|trigonometry|calculus|statistics|chemistry|physics|biology|world history
economics|psychology|sociology|literature|philosophy|geography|earth science|computer science
music theory|art history|anatomy|accounting|astronomy|linear algebra|organic chemistry
probability|genetics|ecology|macroeconomics|microeconomics|US history|European history|political science
creative writing|public speaking|nutrition|physiology|discrete math|differential equations|thermodynamics
electronics|environmental science|marine biology
""")

STUDY_TASKS = _pool("""
make a study schedule for finals|remember vocabulary faster|take better notes in lectures
stop procrastinating on assignments|prepare for a multiple choice exam|write a thesis statement
structure a lab report|cite a website in APA style|stay focused while studying at home
read a textbook chapter efficiently|memorize the periodic table|study for an open book test
outline a research paper|practice for an oral exam|use flashcards properly
""")

LANGUAGES = _pool("""
Spanish|French|German|Japanese|Korean|Italian|Portuguese|Mandarin|Dutch|Swedish|Greek
Arabic|Russian|Turkish|Polish|Hindi|Vietnamese|Norwegian|Hebrew|Thai|Indonesian|Danish
""")

GRAMMAR_POINTS = _pool("""
the subjunctive|past tense verbs|gendered nouns|articles|word order|the conditional
reflexive verbs|polite forms|counting words|the future tense|prepositions|plurals
irregular verbs|noun cases|particles|phrasal verbs|verb conjugation|pronunciation
""")

ENGLISH_WORD_PAIRS = _pool("""
"affect" and "effect"|"then" and "than"|"fewer" and "less"|"who" and "whom"|"lay" and "lie"
"its" and "it's"|"further" and "farther"|"principal" and "principle"|"imply" and "infer"
"ensure" and "insure"|"compliment" and "complement"|"i.e." and "e.g."|"that" and "which"
""")

# --- explanations ------------------------------------------------------------------------

#: Things people ask to have explained (phrased to follow "explain" / "what is").
EXPLAINABLES = _pool("""
inflation|interest rates|a recession|how a bill becomes a law|why the sky is blue|how tides work
how a microwave heats food|what causes thunder|how vaccines train the immune system|how credit cards make money
what a VPN does|how Wi-Fi works|what cloud storage really is|how a 3D printer works
how a bicycle stays upright|why leaves change color|how bees make honey|why cats purr
how an electric car charges|what a carbon footprint is|how noise cancelling works|why ice floats
how a refrigerator keeps food cold|what an API is|how a search engine finds pages|what machine learning is
why we have leap years|how time zones work|what the ozone layer does|how a nuclear reactor works
what a stock split is|how insurance premiums are set|how a heat pump works|why bread rises
how the moon affects the ocean|why onions make you cry|how a camera lens focuses|what DNS is
why planes leave white trails|how yeast works|what a calorie actually is|how glasses correct vision
why the ocean is salty|how fireworks get their colors|what a spreadsheet formula does|what RAM does
how recycling is sorted|why metal feels colder than wood|how a touchscreen knows where you tap
how a dishwasher cleans without scrubbing|why coffee keeps you awake|how a smoke detector works
why we get goosebumps|how a lock and key work|how a thermostat decides when to turn on|why bananas turn brown
how soap removes grease|why some people are left-handed|how a hybrid car saves fuel
how sourdough starter works|why the moon looks bigger near the horizon|how hearing aids work
what a credit report contains|how a sewing machine makes a stitch|how a piano makes sound|why salt melts ice
how an elevator knows where to stop|what a mortgage rate is based on|how a dam makes electricity
why some plants close at night|how a barcode scanner reads prices|how QR codes store information
why the sea looks blue|how a compass points north|why we yawn|how a pressure cooker speeds up cooking
how a vaccine is tested|what a time signature means in music|how a bill of lading works
how noise travels through walls|how an X-ray image is made|why ears pop on a plane|what a food chain is
how a solar eclipse happens|why some cheeses are moldy on purpose|how a loan amortization schedule works
what a password manager does|how email gets from one inbox to another|what an index fund tracks
""")

COMPARE_PAIRS = _pool("""
weather and climate|a virus and bacteria|RAM and storage|baking soda and baking powder
a crocodile and an alligator|stocks and bonds|HTTP and HTTPS|a latte and a cappuccino
affect and effect|empathy and sympathy|a hurricane and a typhoon|LED and OLED screens
a mortgage broker and a bank|a psychologist and a psychiatrist|a frog and a toad
a county and a city|a patent and a trademark|SSD and HDD|a credit union and a bank
a comet and an asteroid|whole wheat and whole grain|a hare and a rabbit|espresso and drip coffee
a cold and the flu|speed and velocity|a lake and a pond|Wi-Fi 5 and Wi-Fi 6|mass and weight
a will and a trust|an ETF and a mutual fund|a sweet potato and a yam|a moth and a butterfly
a simile and a metaphor|a meteor and a meteorite|a democracy and a republic|jam and jelly
a violin and a fiddle|a tornado and a cyclone|a resume and a CV|margarine and butter
a vegan and a vegetarian diet|a duvet and a comforter|a sprain and a strain|a seal and a sea lion
an allergy and an intolerance|a bison and a buffalo|a sweater and a jumper|a tangerine and a clementine
a gorge and a canyon|baking and roasting|a stock and a broth|a frost and a freeze|a hill and a mountain
a leopard and a cheetah|a university and a college|an astronaut and a cosmonaut|a ship and a boat
a salary and a wage|gross and net income|a condo and an apartment|a tariff and a tax|an ape and a monkey
a dolphin and a porpoise|a bee and a wasp|a raven and a crow|a podcast and a radio show
""")

LIST_SUBJECTS = _pool("""
fruits high in vitamin C|easy houseplants for a dark room|classic novels under 200 pages
board games for two players|podcasts about history|cheap date ideas|rainy day activities for kids
healthy snacks for work|documentaries about the ocean|questions to ask a landlord before signing
things to pack for a beach trip|hobbies you can do at home|ways to save energy in winter
signs a car battery is dying|foods that keep well in the freezer|good first songs to learn on guitar
icebreaker games for a class|stretches for lower back stiffness|ways to reuse glass jars
famous paintings everyone should know|birds you can see in a city|common job interview mistakes
kitchen tools every beginner needs|low-maintenance dog breeds|free ways to learn to code
movies that are good for a family night|apps that help with focus|ways to make a small bedroom feel bigger
cheap meals that use rice|houseplants that are safe for cats|things to check before buying a used bike
ways to cut down on food waste|outdoor games for a birthday party|skills every teenager should learn
questions to ask at a parent teacher meeting|ways to keep a house cool without AC
quick breakfasts without eggs|card games you can play with one deck|things to do on a long train ride
signs a houseplant needs a bigger pot|ways to make friends in a new city|classic science fiction books
common English idioms and what they mean|easy magic tricks for kids|things to bring to a first camping trip
""")

AUDIENCES_PUBLIC = _pool("""
a ten year old|a total beginner|someone who hates math|my grandparents|a visiting tourist
a middle school class|someone who skipped science class|a person who never took physics|a busy parent
""")

# --- hobbies, games, gardening, pets -------------------------------------------------------

HOBBY_SKILLS = _pool("""
learning guitar|drawing faces|knitting a scarf|film photography|watercolor painting|crochet
baking bread|chess openings|bouldering|making candles|home brewing kombucha|playing ukulele
digital drawing|calligraphy|building model trains|embroidery|learning to juggle|sewing
woodcarving|journaling|bird photography|playing the drums|making pottery|solving Rubik's cubes
learning to sketch|sourdough baking|restoring old furniture|keeping a bullet journal|playing chess online
learning magic tricks|astrophotography|drone flying|fly fishing|learning to skateboard|rock tumbling
making jam|cross-stitch|quilting|learning the violin|building birdhouses|leathercraft|soap making
writing short stories|learning to sing|beekeeping|geocaching|macrame|learning sign language|model painting
home recording music
""")

GAME_KINDS = _pool("""
board game|card game|co-op video game|party game|strategy game|puzzle game|tabletop RPG
city builder|racing game|platformer|farming game|survival game|word game|trivia game
""")

PLANTS = _pool("""
tomatoes|basil|a fiddle leaf fig|a snake plant|roses|strawberries|zucchini|a monstera
lavender|peppers|a pothos|succulents|blueberries|hydrangeas|garlic|lettuce|an orchid
mint|a peace lily|cucumbers|a lemon tree|sunflowers|rosemary|a spider plant|carrots|an aloe
a rubber plant|a ZZ plant|a cactus|a bonsai|a Christmas cactus|ferns|tulips|daffodils|a jade plant
a bird of paradise|potatoes|onions|kale|spinach|pumpkins|raspberries|an apple tree|a fig tree|thyme|chives
sweet peas|marigolds|dahlias|a hibiscus|a calathea
""")

PLANT_PROBLEMS = _pool("""
yellow leaves|brown tips|white spots on the leaves|tiny black bugs|drooping stems
no flowers|leaves curling up|root rot|slugs|split fruit|aphids|leggy growth|powdery mildew
holes in the leaves|sticky leaves|fungus gnats|blossom end rot|wilting in the afternoon
""")

PESTS = _pool("""
aphids|slugs|snails|spider mites|powdery mildew|fungus gnats|whiteflies|mealybugs|caterpillars
scale insects|thrips|black spot|leaf miners|earwigs|blight|root rot
""")

GRADES = _pool("""
middle school|ninth grade|tenth grade|my last year of high school|my first year of college
a community college class|an evening course|sixth grade|an online course|a summer class
""")

PETS = _pool("""
dog|puppy|cat|kitten|rabbit|hamster|guinea pig|parrot|budgie|bearded dragon|goldfish
senior dog|rescue cat|beagle|border collie|labrador|golden retriever|husky|greyhound|dachshund
corgi|poodle|pug|shih tzu|chihuahua|german shepherd|boxer|cockatiel|ferret|tortoise|axolotl|leopard gecko
betta fish|chinchilla|rat|senior cat|maine coon|siamese cat|ragdoll cat
""")

PET_ISSUES = _pool("""
barks at every noise|won't use the litter box|pulls on the leash|chews the furniture
is scared of the vacuum|eats too fast|won't stop scratching|hides under the bed all day
jumps on guests|cries at night|doesn't get along with our other pet|gets carsick
has bad breath|is gaining weight|licks its paws a lot|won't come when called
""")

# --- shopping and products ---------------------------------------------------------------

PRODUCT_PAIRS = _pool("""
an air fryer or a convection oven|a Kindle or a tablet|a standing desk or a regular desk
a laptop or a desktop for college|a robot vacuum or a cordless stick vacuum|a gas or an induction stove
an electric or a manual toothbrush|a road bike or a hybrid bike|a mesh router or a range extender
a drip coffee maker or a French press|a foam or a spring mattress|a DSLR or a mirrorless camera
renting or buying a car seat|a heat pump or a furnace|noise cancelling headphones or earplugs
a used car or a new one|a gym membership or a home setup|cast iron or stainless steel pans
""")

PRODUCT_KINDS = _pool("""
budget laptop|pair of running shoes|office chair|vacuum cleaner|blender|winter coat|tent
backpack for travel|set of knives|electric kettle|phone under 300 dollars|pair of hiking boots
monitor for working from home|mattress|bike lock|rice cooker|car seat|carry-on suitcase
dishwasher|washing machine|coffee grinder|stand mixer|food processor|desk lamp|robot lawn mower|space heater|dehumidifier|baby stroller
electric toothbrush|pair of reading glasses|fitness watch|soundbar|set of pots and pans|camping stove
rain jacket
""")

PRODUCT_NEEDS = _pool("""
for a small apartment|for a student budget|that lasts for years|for someone with back pain
for a family of four|that is easy to clean|for camping in the rain|that is quiet
for long flights|for a beginner|that doesn't need an app|for tall people|for cold winters
""")

# --- small shared bits -----------------------------------------------------------------

QUALIFIERS = _pool("""
quick|simple|easy|cheap|beginner-friendly|safe|reliable|fast|cheap but decent|foolproof
low-effort|step-by-step|no-nonsense|proper|clean|modern|old-school|lazy|practical
""")

EMAIL_TASKS = _pool("""
asking my manager for a day off|following up after a job interview|declining a meeting politely
requesting a refund for a late delivery|asking my landlord to fix the heating|thanking a teacher at the end of the year
asking a professor for an extension|introducing myself to a new team|reminding a client about an unpaid bill
apologizing for missing a call|cancelling a gym membership|asking for a letter of recommendation
resigning from my job on good terms|asking a neighbor to keep the noise down|inviting coworkers to a potluck
complaining about a noisy hotel room|asking the school about a missed assignment|confirming a dentist appointment
asking for feedback on a project|turning down a job offer|welcoming a new volunteer|rescheduling a delivery
telling a client their order will be late|asking a contractor for a quote|requesting time off for a funeral
asking for a deadline extension at work|following up on an unanswered job application
thanking a host after a dinner party|asking a landlord to return my deposit
requesting a copy of my medical records|saying goodbye to coworkers on my last day
asking a coach about a schedule change|disputing a charge on my bill|asking a seller about a damaged item
inviting neighbors to a street cleanup|asking a teacher how my kid is doing
introducing two friends who should meet|turning down an invitation to a wedding
checking in with a client after a project
""")

WRITING_PIECES = _pool("""
a short bio for my website|a thank-you note for a gift|a product description for handmade candles
a LinkedIn summary|an out-of-office reply|a birthday message for a coworker|a poem about autumn
a short story about a lost umbrella|a speech for my parents' anniversary|a retirement card message
a newsletter intro for a community garden|a welcome message for a new club member|a yard sale flyer
a toast for a friend's engagement party|a listing for a room I'm renting out|a review of a local bakery
a short horror story set in a laundromat|a limerick about a lazy cat|a scene where two robots argue
a slogan for a bake sale|a graduation card for my cousin|a sympathy card message|a dating profile blurb
a cover letter for a part-time job|an ad for a lost dog poster|a note to a new neighbor
a short poem for a retirement card|a welcome speech for a school event|a funny bio for a trivia team
an intro for a cooking blog|a two-line rhyme for a birthday cake|a description for a community yard sale
a short story about a robot learning to cook|a lullaby about the ocean
a motivational note for a friend before an exam|an apology note to a neighbor|instructions for a house sitter
a farewell message for a teacher|a children's story about a brave snail|a caption for a photo of a sunset
a description of a small town for a story
""")

REGISTERS = _pool("""
friendly|formal|short|polite but firm|warm|professional|casual|upbeat|apologetic|funny
""")
