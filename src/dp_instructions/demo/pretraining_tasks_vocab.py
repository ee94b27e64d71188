"""Word and sentence pools of the public pre-training corpus' task genres
(:mod:`.pretraining_tasks`): creative writing, role-play, proofreading and rewriting,
translation, summaries, brainstorming and math.

Written for the public corpus alone, like :mod:`.pretraining_vocab`: no person names, no
contact details, no employers; people appear only as roles ("my aunt", "a new parent").
The pasted drafts and passages are short themed runs of plain sentences (a shop notice, a
club newsletter, a local news item, a how-to), so a summary or rewrite request reads like
something a person would actually paste.
"""

from __future__ import annotations

from dp_instructions.demo.pretraining_vocab import _pool

# --- creative writing -------------------------------------------------------------------

STORY_KINDS = _pool("""
a short story|a bedtime story|a fable|a flash fiction piece|a ghost story|a mystery story
a sci-fi story|a fairy tale|a two-sentence horror story|a funny story|a cozy story
a story in the form of diary entries|a story told through text messages|a very short story
""")

STORY_SUBJECTS = _pool("""
a lighthouse keeper who is afraid of the dark|a snail who wants to win a race
a town where it never stops snowing|a robot that learns to bake bread
two old friends meeting after thirty years|a lost umbrella trying to get home
the last day of summer camp|a houseplant that outgrows its apartment
a night bus driver on a quiet shift|a kid who finds a door in the garden fence
a grandmother learning to skateboard|a bakery that only opens at midnight
a dragon who hates the taste of smoke|a lonely vending machine at a train station
a dog waiting for the morning train|a small boat caught in a big storm
a pair of socks that keep getting separated|an octopus who collects bottle caps
a village without any clocks|a jar of old buttons and the stories behind them
a lost glove on a park bench|a mail carrier on the last route before retirement
a cat who believes it owns the house|a penguin who wants to see the desert
a moving day that goes badly wrong|a ferry that runs one day too late
a library book that was never returned|a scarecrow who makes friends with the crows
a power cut on the longest night of the year|a fox who runs a tiny tea shop
a kite that refuses to come down|a sandcastle that survives the tide
an elevator that stops at a floor that doesn't exist|a hedgehog planning a surprise party
""")

POEM_KINDS = _pool("""
a haiku|a limerick|a short poem|a sonnet|a free verse poem|a rhyming poem|an acrostic poem
a four-line poem|a silly poem|a short ode|a poem with a repeating first line|a nursery rhyme
""")

POEM_TOPICS = _pool("""
autumn leaves|my morning coffee|the sea at night|Monday mornings|a rainy commute
getting older|moving to a new city|the first warm day of spring|missing home
a thunderstorm|an old oak tree|the moon over the harbor|a dog's muddy paws
a kitchen on a Sunday|the last train home|a snowed-in weekend|a crowded farmers market
learning to let go|the smell of cut grass|a long friendship|an empty classroom in July
my grandmother's garden|a broken umbrella|a city waking up|the quiet after a party
a cat asleep in the sun|the night shift|an unfinished puzzle|a winter walk
a bike ride downhill|lost keys|the first day of school|a bus stop in the rain
""")

SONG_STYLES = _pool("""
folk|country|pop|blues|sea shanty|lullaby|campfire|punk|gospel-style|jazz|reggae|indie
musical theater|eighties rock|karaoke|stadium|children's|rap
""")

JOKE_TOPICS = _pool("""
cats|spreadsheets|coffee|dentists|the weather|gardening|Mondays|printers|math teachers
penguins|cheese|pirates|time travel|socks|accountants|bread|plumbers|astronauts|fish
libraries|traffic lights|vegetables|chemistry|the gym|camping|elevators|soup|trains
office meetings|grammar|bees|dinosaurs|cloud storage|ducks|weather forecasters|pianos
""")

OCCASIONS = _pool("""
my brother's wedding|a retirement party|a farewell lunch for a coworker
my parents' fortieth anniversary|a graduation dinner|the end-of-season team dinner
a housewarming|a fiftieth birthday|the opening of a community garden|a school reunion
my sister's engagement party|a charity dinner|our book club's tenth anniversary
a colleague's last day|a family reunion|my best friend's thirtieth|a christening
the launch of a small shop|a volunteer awards night|a neighborhood street party
""")

FIRST_LINES = _pool("""
The kettle had been whistling for an hour before anyone noticed.
Nobody in the village had ever seen the bell tower lit at night.
The map was wrong, and that was the best thing that happened all summer.
It rained for forty days, and on the forty-first the fish started talking.
My neighbor's garden gnome moved again last night.
The last bus never arrived, but something else did.
Every spoon in the house had vanished by Tuesday.
The letter was addressed to a house that had been torn down years ago.
The robot had one job, and it was very bad at it.
On the morning of the race, the snail woke up early.
The elevator doors opened onto a beach.
The old radio only played tomorrow's weather.
""")

CREATIVE_ASKS = _pool("""
Keep it under 150 words.|Make it funny but not mean.|Rhyme if you can.|Give it a twist ending.
It's for kids, so nothing scary.|Make it a bit sad but hopeful.|Keep it short enough to read aloud.
No clichés please.|Use simple words.|Make the ending happy.
Write it in the first person.|Make it sound old-fashioned.|One page max.|Add a title.
""")

# --- role-play ---------------------------------------------------------------------------

CHARACTERS = _pool("""
a ship's cook|a museum guide|a tour operator|a retired astronaut|a lighthouse keeper
a medieval blacksmith|a conductor on an overnight train|a park ranger|a 1950s radio host
a baker in a tiny mountain village|a ferry captain|a mountain guide|a zookeeper
a friendly robot receptionist|a knight who has lost his horse|a retired circus acrobat
a night-shift taxi driver|a tea shop owner|a space station engineer|a bored castle guard
a marine biologist|a stage magician|a quiz show host|a gardening expert on a radio phone-in
a vintage record store clerk|a ghost who haunts an old theater|a village blacksmith's apprentice
a grumpy old sea captain|a cheerful flight attendant|a market trader selling spices
a retired detective who now grows tomatoes|a dinosaur tour guide in a theme park
a mail carrier in the Wild West|a sports commentator|a librarian in a floating library
a chef running a food stall|a ski instructor|a farmer at a county fair|an airship pilot
""")

USER_SIDES = _pool("""
a tourist who missed the last ferry|a new crew member on my first day|a kid on a school trip
a customer who can't decide|a reporter writing a feature|someone who has never seen the sea
a nervous first-time hiker|a passenger who lost their ticket|a traveler who only speaks a little English
a visitor asking too many questions|an apprentice who keeps making mistakes|a food critic
a lost hiker at dusk|a guest who arrived a day early|a student doing a school project
""")

PRACTICE_GOALS = _pool("""
ordering food in a restaurant|small talk at parties|asking for directions|a job interview in English
haggling at a market|complaining politely|checking into a hotel|talking to a doctor's receptionist
returning something to a shop|introducing myself at a new job|booking a table over the phone
asking a neighbor for a favor|giving a short presentation|saying no without feeling rude
""")

RP_QUESTIONS = _pool("""
what's the hardest part of your job?|what was the best day you ever had?|what should I see first?
what would you cook on a stormy night?|what's the strangest thing that's ever happened to you?
what do people always get wrong about your work?|what's in your pockets right now?
what advice would you give someone starting out?|what do you miss most about the old days?
tell me about the worst storm you've lived through.|what's for dinner tonight?
how did you end up doing this?|what's the one rule I must never break here?
""")

#: "preposition:place" (the role-play builder says "on an old steamship", "around an old steamship").
RP_PLACES = _pool("""
on:an old steamship|in:a natural history museum|on:a moon base|in:a medieval market town
on:a whale-watching boat|in:a chocolate factory|on:a night train across the mountains
in:a greenhouse full of rare plants|at:a lighthouse on a rocky island|in:a ghost town in the desert
at:a busy harbor at dawn|in:a castle kitchen|on:a space station's observation deck
at:a hot air balloon festival|in:a ski lodge in a blizzard|at:a county fair|in:a tiny island post office
""")

RP_RULES = _pool("""
Stay in character the whole time.|Keep your answers short, two or three sentences.
Don't explain that you're an AI, just play along.|Ask me questions back.
Correct my mistakes gently at the end.|Make it funny.|Describe the scene first.
Use simple English, I'm still learning.|Wait for me to answer before moving on.
""")

# --- proofreading and rewriting ----------------------------------------------------------

#: Themed runs of sentences a person might paste for a rewrite: (what the draft is, its
#: sentences in a sensible order); {placeholders} are filled by the builder's slots.
DRAFT_THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "a sign for the shop door",
        (
            "We will be closed on {weekday} for a stocktake.",
            "Orders placed after {hour} will ship the next working day.",
            "Thank you for your patience while we renovate the front of the store.",
            "Please ask at the counter if you need help finding anything.",
            "Gift cards can now be used online as well as in store.",
        ),
    ),
    (
        "our walking group's newsletter",
        (
            "The walking group meets on the first {weekday} of every month.",
            "New members are always welcome and there is no need to sign up in advance.",
            "Please bring water and a snack, there isn't a cafe on the route.",
            "We are looking for volunteers who could lead a walk now and then.",
            "Last month's walk had a great turnout despite the rain.",
        ),
    ),
    (
        "my profile summary",
        (
            "I have been working in {field} for {yrs} years.",
            "In my free time I enjoy cooking for friends and long bike rides.",
            "I am passionate about helping people solve problems.",
            "Before that, I spent a few years teaching English abroad.",
            "My goal is to move into a role where I can lead a small team.",
        ),
    ),
    (
        "a work email",
        (
            "Just a reminder that the monthly figures are due on {weekday}.",
            "I've attached the updated rota for next week.",
            "The printer on the second floor is out of order again, so please use the one downstairs.",
            "Let me know if there's anything you need from me before then.",
            "Sorry for the confusion about the start time yesterday.",
        ),
    ),
    (
        "a product page",
        (
            "This water bottle keeps drinks cold for up to {nn} hours.",
            "It is made from recycled steel and fits in most cup holders.",
            "The lid is leak proof, so it can go straight into your bag.",
            "It comes in {n} colors and is dishwasher safe.",
            "Every bottle we sell helps fund a clean water project.",
        ),
    ),
    (
        "a message to my landlord",
        (
            "The heating in the flat has not been working properly since {weekday}.",
            "I tried bleeding the radiators but it made no difference.",
            "Could someone come and take a look this week?",
            "I'm home most afternoons after three, or I can leave a key with a neighbor.",
        ),
    ),
    (
        "a note home to parents",
        (
            "The class trip to the science center has been moved to {weekday}.",
            "Children should bring a packed lunch and a raincoat.",
            "Permission slips need to be returned by the end of the week.",
            "We still need two more adults to help on the day.",
        ),
    ),
    (
        "a thank-you post",
        (
            "Thank you all for coming to the open day on {weekday}.",
            "We received a lot of kind feedback and a few useful suggestions.",
            "It's definitely something we would like to do again next year.",
            "If you have any photos from the day, please send them our way.",
        ),
    ),
    (
        "our team page",
        (
            "Our team is responsible for keeping the website running smoothly.",
            "Most of our time goes into fixing small problems before customers notice them.",
            "We also look after the help pages and answer questions from other departments.",
            "Over the next year we want to make the checkout process faster.",
        ),
    ),
    (
        "a complaint email",
        (
            "I am writing to complain about an order that arrived damaged.",
            "The box was torn and two of the plates inside were broken.",
            "I received the delivery on {weekday} and took photos straight away.",
            "I would like a replacement or a full refund, whichever is quicker.",
        ),
    ),
)

FIELDS = _pool("""
customer service|retail|hospitality|logistics|accounting|graphic design|nursing|social care
marketing|teaching|software support|events|construction|administration|sales|catering
""")

REWRITE_TONES = _pool("""
friendlier|more professional|less pushy|warmer|more confident|more casual|less stiff
clearer|more polite|more upbeat|less formal|more direct|less apologetic|more enthusiastic
""")

#: Common slips people ask to have caught: (correct, misspelt) pairs applied to a draft.
TYPO_SWAPS: tuple[tuple[str, str], ...] = (
    ("there's", "theres"),
    ("it's ", "its "),
    ("It's ", "Its "),
    ("received", "recieved"),
    ("definitely", "definately"),
    ("separate", "seperate"),
    ("a lot", "alot"),
    ("I'm ", "Im "),
    ("I've ", "Ive "),
    ("isn't", "isnt"),
    ("Orders", "Order's"),
    ("hours", "hour's"),
    ("colors", "color's"),
    ("would like to", "would like too"),
    ("Please ", "please "),
    ("responsible", "responsable"),
    ("passionate", "pasionate"),
    ("whichever", "which ever"),
    ("straight away", "strait away"),
    ("Children", "Childrens"),
    ("The ", "the "),
    (". ", ", "),
)

# --- summaries -----------------------------------------------------------------------------

#: Themed runs of news-like and how-to-like sentences; the first line leads.
PASSAGE_THEMES: tuple[tuple[str, ...], ...] = (
    (
        "The city council has approved a plan to add protected bike lanes along the main road.",
        "Work is expected to start in the spring and take about {n} months.",
        "Some shop owners worry that losing parking spaces will hurt business.",
        "Supporters say the change will make the street safer for children walking to school.",
        "A public meeting about the plan will be held at the community center next {weekday}.",
    ),
    (
        "The central library will reopen next month after a two-year renovation.",
        "The building now has a larger children's section and a rooftop reading garden.",
        "Opening hours will be extended until {hour} on weekdays.",
        "Staff say e-book loans doubled while the building was closed.",
        "A free open day with tours and activities is planned for the first weekend.",
    ),
    (
        "Heavy rain caused flooding on several roads overnight.",
        "Emergency crews pumped water out of dozens of basements.",
        "Trains on the coastal line were delayed for most of the morning.",
        "Forecasters expect more showers over the weekend but no further warnings.",
        "Residents are asked to report blocked drains to the council.",
    ),
    (
        "A new study suggests that short walks after meals may help keep blood sugar steady.",
        "Researchers followed {nn} volunteers for twelve weeks.",
        "Those who walked for ten minutes after dinner saw the biggest difference.",
        "The study was small and only included healthy adults.",
        "The authors say more work is needed before making firm recommendations.",
    ),
    (
        "A local bakery has started delivering bread by cargo bike.",
        "The owners say the idea came from customers who wanted fewer vans on the street.",
        "Deliveries go out every morning before eight.",
        "So far more than {nn} households have signed up.",
        "They hope to add a second bike before winter.",
    ),
    (
        "Water the plant a day before you repot it.",
        "Choose a pot that is only a little bigger than the old one.",
        "Gently loosen the roots if they are circling the bottom.",
        "Add fresh potting mix and press it down lightly around the stem.",
        "Keep the plant out of direct sun for a week while it settles in.",
    ),
    (
        "To fix a flat, first take the wheel off and let out any remaining air.",
        "Use tire levers to lift one side of the tire off the rim.",
        "Pump a little air into the tube and listen for the hiss to find the hole.",
        "Roughen the area with sandpaper before applying the patch.",
        "Put everything back and pump the tire to the pressure printed on its side.",
    ),
    (
        "The residents' association held its yearly meeting last {weekday}.",
        "Members voted to repaint the hallways and replace the front door lock.",
        "The cost will be shared equally between all the flats.",
        "A few people raised concerns about the new bin collection times.",
        "The committee promised to look into it before the next meeting.",
    ),
    (
        "Experts say a regular bedtime matters more than most people think.",
        "Going to bed at the same time, even on weekends, helps the body settle into a rhythm.",
        "Screens in the last hour before sleep can make it harder to drift off.",
        "A cool, dark room is best for most people.",
        "If you can't sleep after twenty minutes, get up and do something calm until you feel tired.",
    ),
    (
        "The town's summer festival drew record crowds this year.",
        "Organizers estimate that around {nn} thousand people came over the three days.",
        "Food stalls ran out of stock by Saturday evening.",
        "Some neighbors complained about the noise from the late concerts.",
        "Next year the main stage may move to the sports ground.",
    ),
    (
        "Before painting a room, move the furniture to the middle and cover it with sheets.",
        "Fill any cracks and let the filler dry completely.",
        "Tape along the edges of the ceiling and the window frames.",
        "Start with the edges, then use a roller for the large areas.",
        "Two thin coats look better than one thick one.",
    ),
    (
        "A regional airline has announced that it will stop flying to two small island airports.",
        "The company says the routes have lost money for several years.",
        "Islanders worry that the change will make it harder to reach hospitals on the mainland.",
        "A ferry operator has offered to add extra sailings during the week.",
        "The last flights will run at the end of {month}.",
    ),
    (
        "Composting at home is easier than many people expect.",
        "Mix green waste like vegetable peelings with brown waste like cardboard and dry leaves.",
        "Turn the pile every couple of weeks to let air in.",
        "Avoid meat and dairy, which attract pests.",
        "After a few months you should have dark, crumbly compost for the garden.",
    ),
)

# --- translation ----------------------------------------------------------------------------

PHRASES = _pool("""
Where is the nearest pharmacy?|Could we have the bill, please?|I'm allergic to peanuts.
Happy birthday, I hope you have a wonderful day.|Excuse me, is this seat taken?
How much does this cost?|I'm sorry, I don't understand.|Can you speak a bit more slowly?
What time does the museum open?|I'd like a table for two.|Thank you for having us.
Does this bus go to the station?|Congratulations on the new baby!|I'm running a little late.
Where can I buy a train ticket?|Is breakfast included?|Nice to meet you.|Get well soon.
I lost my wallet.|Can I pay by card?|We're just looking, thanks.|Good luck with the exam!
Could you take a photo of us?|I'm a vegetarian.|Is there a supermarket near here?
What do you recommend?|See you tomorrow.|Merry Christmas and happy new year.
The food was delicious.|How do I get to the beach?|I need a doctor.|Sorry for the mess.
Can I have a glass of water?|It was nice talking to you.|What's the wifi password?
Do you have this in a bigger size?|My phone battery is dead.|Have a safe trip home.
I'm looking forward to seeing you.|Can you recommend a good place to eat?|Welcome home!
Thank you so much for your help.|Please turn left at the next corner.|Is it far from here?
We would like to check out.|I have a reservation.|How are you feeling today?
Where are the toilets?|What's your favorite food?|I'm here on holiday.|Cheers!
Could you call a taxi for me?|I think I'm lost.|Take care of yourself.|Enjoy your meal.
Is this the right platform?|I'll have the same, please.|I miss you.|Sweet dreams.
Do you sell stamps?|Where do I leave my luggage?|My condolences.|Well done, I'm proud of you.
""")

FOREIGN_PHRASES = _pool("""
je ne sais quoi|¿Dónde está la estación?|Ich verstehe das nicht|buon appetito|obrigado pela ajuda
hasta luego|Wie spät ist es?|c'est la vie|schadenfreude|Hoe gaat het?|arigatou gozaimasu
bon voyage|Wo ist der Bahnhof?|mi casa es tu casa|dolce far niente|ça va|hygge|fika
Je voudrais un café|ojalá|wabi-sabi|Feierabend|¿Qué tal?|carpe diem|déjà vu|saudade
""")

TRANSLATE_ASKS = _pool("""
Casual is fine.|It's for a card.|Formal please, it's for work.|I want it to sound natural, not word for word.
How do I pronounce it?|Is there a more polite version?|Spell it out phonetically too.|Keep it short.
""")

# --- brainstorming --------------------------------------------------------------------------

NAMING_TARGETS = _pool("""
a mobile bike repair van|a secondhand bookshop with a resident cat|a pub quiz team
a weekend pottery class|a dog-walking side hustle|our office softball team|a ginger kitten
a black rescue dog|a pair of goldfish|a podcast about old movies|our family group chat
a homemade hot sauce|a knitting circle|a fantasy football league|a school robotics team
a sourdough starter|a tabletop gaming night|a vinyl stall at the weekend market
a sailing dinghy|a camper van we're converting|a community choir|a running club
a houseplant swap event|a backyard chicken coop|a home cleaning side business
a YouTube channel about fixing old radios|a tiny free library on our street
a newsletter about budget travel|an indoor herb garden kit|a neighborhood tool-sharing shed
""")

NAME_STYLES = _pool("""
short|funny|a bit punny|easy to spell|that sounds friendly|that isn't too cheesy|memorable
that works as a web address|old-fashioned|that kids would like|with a nautical feel
""")

PARTIES = _pool("""
a tenth birthday party on a small budget|a retirement party at the office|a baby shower that isn't cheesy
a backyard summer party|a team-building afternoon|a rainy afternoon stuck indoors with kids
a murder mystery dinner|a Halloween party for adults|a surprise party in a small flat
a picnic for twenty people|a games night for people who don't know each other
a holiday party for a remote team|a sleepover for six eight-year-olds|a fundraiser for the school library
an office leaving do|a first date that isn't dinner and a movie|a family day out with grandparents
a kids' science-themed party|a board game café night|a garden party for the whole street|a small wedding reception
a welcome lunch for new volunteers|a camping weekend with teenagers|a winter bonfire night
""")

GIFT_FOR = _pool("""
a coworker who is leaving|a dad who says he wants nothing|a teenager who only plays video games
someone who just started running|a friend who just bought their first house|a new parent
a grandparent who lives far away|a teacher at the end of the year|a friend who loves cooking
someone recovering from surgery|a host who invited us for the weekend|a neighbor who helped us move
a friend who is into camping|a sibling who has everything|someone starting university
""")

PROJECT_CONTEXTS = _pool("""
a high school science fair|a weekend coding project|getting better at woodworking
a community volunteer day|a photography portfolio|a beginner data analysis project
a school art week|a summer project with my kids|a final-year college project|a small electronics kit
a local history project|a family cookbook|learning to draw this year|a garden redesign
a month-long photo challenge|a first Arduino build|a class newspaper|a weekend sewing project
a small game in Python|a woodworking gift for my dad|a volunteer project at an animal shelter
""")

TAGLINE_TARGETS = _pool("""
a charity fun run|a local farmers market|a bike safety campaign|a neighborhood cleanup day
a school bake sale|a library summer reading challenge|a blood donation drive|a repair cafe
a community theater's new season|a recycling drive|a walking festival|a youth chess tournament
a free coding workshop|a pet adoption weekend|a night market|a local radio station
a community pool reopening|a used book sale|a river cleanup|a school play|a seed swap
a beginners' running group|a family history talk|a charity bike ride|a craft fair
""")

BRAINSTORM_ASKS = _pool("""
Keep them short.|Bonus points for puns.|I'm terrible at this kind of thing.|Mix silly and serious.
Give a one-line reason for each.|Rank them if you can.|Surprise me.|Be creative.
We tried the obvious stuff already.|A mix of cheap and fancy is fine.|The weirder the better.
""")

SUMMARY_ASKS = _pool("""
Keep it to one line.|It's for the family chat.|No more than two sentences.|Plain words please.
Is there anything I actually need to do?|Who does this affect?|Skip the background.
""")

# --- math -----------------------------------------------------------------------------------

MATH_ASKS = _pool("""
Show the steps please.|I keep getting a different answer from the book.|Can you explain each step?
Just the answer is fine.|What rule do I use here?|I have a test tomorrow.|Where do I even start?
My teacher's answer has a minus sign and mine doesn't.|Is there a quick way to check?
""")

WEEKDAYS = _pool("Monday|Tuesday|Wednesday|Thursday|Friday|Saturday")
HOURS = _pool("2pm|3pm|4pm|5pm|6pm|7pm|8pm|9pm")
MONTHS = _pool("March|April|May|June|September|October|November")
