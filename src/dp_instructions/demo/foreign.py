"""Non-English prompts (and short replies) for the demo corpus.

Why real sentences in each language and script: the cleansing step keeps English by the
``language`` field, but language identification, tokenisation and the PII scan all see
the text too, so a "German" row must actually be German. About a fifth of LMSYS-Chat-1M
is not English; the weights below follow its order (Portuguese, Russian, Chinese,
Spanish, German, French, ...), plus ``unknown`` for text no detector can place
("?", "ok", emoji, stray code).

Templates use the syntax of :mod:`.template`; slots come from small per-language
pools (a few dozen distinct prompts per template is plenty: these rows are dropped at
the language step, duplicates among them are realistic).
"""

from __future__ import annotations

import random

from dp_instructions.demo.template import TemplateSet
from dp_instructions.demo.vocab import CITIES, FIRST_NAMES


def _num(rnd: random.Random) -> str:
    return str(int(rnd.random() * 9) + 2)


_COMMON = {"city": CITIES, "name": FIRST_NAMES, "n": _num}

_SPEC: dict[str, dict] = {
    "Portuguese": {
        "topic": (
            "o mar",
            "a saudade",
            "o amor",
            "uma cidade pequena",
            "o futebol",
            "a chuva",
            "minha avó",
            "o outono",
            "a vida no campo",
            "um gato curioso",
        ),
        "concept": (
            "inteligência artificial",
            "inflação",
            "fotossíntese",
            "a teoria da relatividade",
            "blockchain",
            "um banco de dados",
            "a Revolução Industrial",
            "o efeito estufa",
        ),
        "task": (
            "ler um arquivo CSV",
            "ordenar uma lista",
            "conectar ao banco de dados",
            "criar uma API",
            "enviar um e-mail automático",
            "fazer um gráfico",
        ),
        "templates": (
            "Escreva um poema sobre {topic}.",
            "Como faço para {task} em Python?",
            "Me explique o que é {concept} de forma simples.",
            "Crie uma história curta sobre {topic} para crianças[.| de {n} anos.]",
            "Quais são os melhores lugares para visitar em {city}?",
            "Escreva um e-mail para o meu chefe pedindo [um dia de folga|um aumento|mais prazo].",
            "Me dê {n} ideias de nomes para uma empresa de [limpeza|tecnologia|doces|roupas].",
            "Qual é a diferença entre {concept} e {concept}?",
            "[Oi|Olá], tudo bem? Preciso de ajuda com {concept}.",
            "Faça um resumo sobre {concept} em {n} parágrafos.",
        ),
        "reply": ("Claro! Aqui está uma sugestão.", "Com certeza, vamos lá.", "Boa pergunta! Vou explicar."),
    },
    "Spanish": {
        "topic": (
            "el mar",
            "la amistad",
            "el amor",
            "un pueblo pequeño",
            "el fútbol",
            "la lluvia",
            "mi abuela",
            "el otoño",
            "la vida en el campo",
            "un perro curioso",
        ),
        "concept": (
            "la inteligencia artificial",
            "la inflación",
            "la fotosíntesis",
            "la relatividad",
            "el blockchain",
            "una base de datos",
            "la Revolución Francesa",
            "el cambio climático",
        ),
        "task": (
            "leer un archivo CSV",
            "ordenar una lista",
            "conectar a una base de datos",
            "crear una API",
            "hacer un gráfico",
            "enviar correos automáticos",
        ),
        "templates": (
            "Escribe un poema sobre {topic}.",
            "¿Cómo puedo {task} en Python?",
            "Explícame qué es {concept} de forma sencilla.",
            "Escribe un cuento corto sobre {topic} para niños.",
            "¿Cuáles son los mejores lugares para visitar en {city}?",
            "Redacta un correo para mi jefe pidiendo [un día libre|un aumento|más tiempo].",
            "Dame {n} ideas de nombres para una empresa de [limpieza|tecnología|postres|ropa].",
            "¿Cuál es la diferencia entre {concept} y {concept}?",
            "Hola, ¿me puedes ayudar con {concept}?",
            "Resume en {n} puntos qué es {concept}.",
        ),
        "reply": ("¡Claro! Aquí tienes una propuesta.", "Por supuesto, vamos a verlo.", "Buena pregunta."),
    },
    "German": {
        "topic": (
            "das Meer",
            "die Freundschaft",
            "die Liebe",
            "ein kleines Dorf",
            "den Herbst",
            "meine Oma",
            "den Regen",
            "eine neugierige Katze",
            "das Leben auf dem Land",
        ),
        "concept": (
            "künstliche Intelligenz",
            "Inflation",
            "Photosynthese",
            "die Relativitätstheorie",
            "Blockchain",
            "eine Datenbank",
            "den Treibhauseffekt",
            "die Industrialisierung",
        ),
        "task": (
            "eine CSV-Datei einlesen",
            "eine Liste sortieren",
            "eine REST-API bauen",
            "ein Diagramm erstellen",
            "E-Mails automatisch versenden",
        ),
        "templates": (
            "Schreibe ein Gedicht über {topic}.",
            "Wie kann ich in Python {task}?",
            "Erkläre mir {concept} in einfachen Worten.",
            "Schreib eine kurze Geschichte über {topic} für Kinder.",
            "Was sind die besten Sehenswürdigkeiten in {city}?",
            "Formuliere eine E-Mail an meinen Chef, in der ich um [einen freien Tag|eine "
            "Gehaltserhöhung|"
            "mehr Zeit] bitte.",
            "Gib mir {n} Ideen für den Namen einer [Bäckerei|IT-Firma|Reinigungsfirma].",
            "Was ist der Unterschied zwischen {concept} und {concept}?",
            "Hallo, kannst du mir bei {concept} helfen?",
            "Fasse {concept} in {n} Sätzen zusammen.",
        ),
        "reply": ("Gerne! Hier ist ein Vorschlag.", "Natürlich, hier ist die Erklärung.", "Gute Frage!"),
    },
    "French": {
        "topic": (
            "la mer",
            "l'amitié",
            "l'amour",
            "un petit village",
            "l'automne",
            "ma grand-mère",
            "la pluie",
            "un chat curieux",
            "la vie à la campagne",
        ),
        "concept": (
            "l'intelligence artificielle",
            "l'inflation",
            "la photosynthèse",
            "la relativité",
            "la blockchain",
            "une base de données",
            "la Révolution française",
            "l'effet de serre",
        ),
        "task": (
            "lire un fichier CSV",
            "trier une liste",
            "créer une API",
            "faire un graphique",
            "envoyer des e-mails automatiquement",
        ),
        "templates": (
            "Écris un poème sur {topic}.",
            "Comment faire pour {task} en Python ?",
            "Explique-moi {concept} simplement.",
            "Écris une courte histoire sur {topic} pour les enfants.",
            "Quels sont les meilleurs endroits à visiter à {city} ?",
            "Rédige un e-mail à mon patron pour demander [un jour de congé|une augmentation|un délai].",
            "Donne-moi {n} idées de noms pour une entreprise de [nettoyage|pâtisserie|logiciels].",
            "Quelle est la différence entre {concept} et {concept} ?",
            "Bonjour, peux-tu m'aider avec {concept} ?",
            "Résume {concept} en {n} phrases.",
        ),
        "reply": ("Bien sûr ! Voici une proposition.", "Avec plaisir, voici l'explication.", "Bonne question !"),
    },
    "Italian": {
        "topic": (
            "il mare",
            "l'amicizia",
            "l'amore",
            "un piccolo paese",
            "l'autunno",
            "mia nonna",
            "la pioggia",
            "un gatto curioso",
        ),
        "concept": (
            "l'intelligenza artificiale",
            "l'inflazione",
            "la fotosintesi",
            "la relatività",
            "la blockchain",
            "un database",
            "il Rinascimento",
        ),
        "task": ("leggere un file CSV", "ordinare una lista", "creare un'API", "fare un grafico"),
        "templates": (
            "Scrivi una poesia su {topic}.",
            "Come posso {task} in Python?",
            "Spiegami cos'è {concept} in modo semplice.",
            "Scrivi una breve storia su {topic} per bambini.",
            "Quali sono i posti migliori da visitare a {city}?",
            "Scrivi una email al mio capo per chiedere [un giorno di ferie|un aumento|più tempo].",
            "Dammi {n} idee per il nome di una [pizzeria|startup|pasticceria].",
            "Qual è la differenza tra {concept} e {concept}?",
            "Ciao, mi aiuti con {concept}?",
        ),
        "reply": ("Certo! Ecco una proposta.", "Volentieri, ecco la spiegazione.", "Ottima domanda!"),
    },
    "Russian": {
        "topic": (
            "море",
            "дружбу",
            "любовь",
            "маленький город",
            "осень",
            "мою бабушку",
            "дождь",
            "любопытного кота",
            "жизнь в деревне",
        ),
        "concept": (
            "искусственный интеллект",
            "инфляция",
            "фотосинтез",
            "теория относительности",
            "блокчейн",
            "база данных",
            "парниковый эффект",
            "промышленная революция",
        ),
        "task": (
            "прочитать CSV файл",
            "отсортировать список",
            "создать REST API",
            "построить график",
            "подключиться к базе данных",
        ),
        "templates": (
            "Напиши стихотворение про {topic}.",
            "Как {task} на Python?",
            "Объясни простыми словами, что такое {concept}.",
            "Напиши короткую сказку про {topic} для детей.",
            "Какие места стоит посетить в городе {city}?",
            "Напиши письмо начальнику с просьбой [о выходном|о повышении зарплаты|перенести срок].",
            "Придумай {n} названий для [кофейни|IT-компании|пекарни].",
            "В чём разница между {concept} и {concept}?",
            "Привет! Помоги мне разобраться: {concept}.",
            "Кратко перескажи, что такое {concept}, в {n} предложениях.",
        ),
        "reply": ("Конечно! Вот вариант.", "Хорошо, давайте разберёмся.", "Отличный вопрос!"),
    },
    "Chinese": {
        "topic": ("大海", "友谊", "爱情", "一个小镇", "秋天", "我的奶奶", "下雨天", "一只好奇的猫", "乡村生活"),
        "concept": ("人工智能", "通货膨胀", "光合作用", "相对论", "区块链", "数据库", "温室效应", "工业革命"),
        "task": ("读取CSV文件", "对列表排序", "写一个REST API", "画一个图表", "连接数据库"),
        "templates": (
            "写一首关于{topic}的诗。",
            "如何用Python{task}？",
            "请用简单的话解释一下{concept}。",
            "给孩子们写一个关于{topic}的小故事。",
            "{city}有哪些值得去的地方？",
            "帮我给老板写一封邮件，[请一天假|申请加薪|申请延期]。",
            "给我{n}个[奶茶店|科技公司|面包店]的名字。",
            "{concept}和{concept}有什么区别？",
            "你好，你能帮我解释一下{concept}吗？",
            "用{n}句话总结一下{concept}。",
        ),
        "reply": ("当然可以！下面是一个建议。", "好的，我来解释一下。", "这是个好问题。"),
    },
    "Japanese": {
        "topic": ("海", "友情", "恋", "小さな町", "秋", "祖母", "雨の日", "好奇心旺盛な猫"),
        "concept": ("人工知能", "インフレ", "光合成", "相対性理論", "ブロックチェーン", "データベース"),
        "task": ("CSVファイルを読み込む", "リストを並べ替える", "REST APIを作る", "グラフを描く"),
        "templates": (
            "{topic}についての詩を書いてください。",
            "Pythonで{task}方法を教えてください。",
            "{concept}について簡単に説明してください。",
            "子ども向けに{topic}の短い物語を書いて。",
            "{city}のおすすめの観光地はどこですか？",
            "上司に[休みをお願いする|昇給をお願いする|締め切りの延長をお願いする]メールを書いてください。",
            "{concept}と{concept}の違いは何ですか？",
            "こんにちは。{concept}について質問があります。",
        ),
        "reply": ("もちろんです。こちらが例です。", "はい、説明します。", "良い質問ですね。"),
    },
    "Korean": {
        "topic": ("바다", "우정", "사랑", "작은 마을", "가을", "할머니", "비 오는 날", "호기심 많은 고양이"),
        "concept": ("인공지능", "인플레이션", "광합성", "상대성 이론", "블록체인", "데이터베이스"),
        "task": ("CSV 파일을 읽는", "리스트를 정렬하는", "REST API를 만드는", "그래프를 그리는"),
        "templates": (
            "{topic}에 대한 시를 써 줘.",
            "파이썬으로 {task} 방법을 알려 줘.",
            "{concept}을 쉽게 설명해 주세요.",
            "아이들을 위한 {topic} 이야기를 짧게 써 줘.",
            "{city}에서 가 볼 만한 곳을 추천해 줘.",
            "상사에게 [휴가를 요청하는|연봉 인상을 요청하는|마감 연장을 요청하는] 이메일을 써 줘.",
            "{concept}과 {concept}의 차이점은 무엇인가요?",
            "안녕하세요, {concept}에 대해 질문이 있어요.",
        ),
        "reply": ("물론이죠! 다음과 같이 써 보았습니다.", "네, 설명해 드릴게요.", "좋은 질문입니다."),
    },
    "Arabic": {
        "topic": ("البحر", "الصداقة", "الحب", "قرية صغيرة", "الخريف", "جدتي", "المطر", "قطة فضولية"),
        "concept": ("الذكاء الاصطناعي", "التضخم", "التمثيل الضوئي", "النظرية النسبية", "البلوك تشين", "قاعدة البيانات"),
        "task": ("قراءة ملف CSV", "ترتيب قائمة", "إنشاء واجهة برمجة تطبيقات", "رسم مخطط بياني"),
        "templates": (
            "اكتب قصيدة عن {topic}.",
            "كيف يمكنني {task} باستخدام بايثون؟",
            "اشرح لي {concept} بطريقة بسيطة.",
            "اكتب قصة قصيرة عن {topic} للأطفال.",
            "ما هي أفضل الأماكن لزيارتها في {city}؟",
            "اكتب رسالة إلى مديري [لطلب إجازة|لطلب زيادة في الراتب|لتمديد الموعد النهائي].",
            "ما الفرق بين {concept} و{concept}؟",
            "مرحبا، هل يمكنك مساعدتي في فهم {concept}؟",
        ),
        "reply": ("بالتأكيد! إليك اقتراحًا.", "حسنًا، سأشرح لك ذلك.", "سؤال رائع!"),
    },
}

#: (language, weight) among non-English conversations, roughly LMSYS-Chat-1M's order.
LANGUAGE_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("Portuguese", 0.14),
    ("Russian", 0.14),
    ("Chinese", 0.13),
    ("Spanish", 0.12),
    ("German", 0.10),
    ("French", 0.09),
    ("Japanese", 0.06),
    ("Italian", 0.06),
    ("Korean", 0.04),
    ("Arabic", 0.03),
    ("unknown", 0.09),
)
LANGUAGES: tuple[str, ...] = tuple(name for name, _ in LANGUAGE_WEIGHTS)
_CUM: tuple[float, ...] = tuple(
    sum(w for _, w in LANGUAGE_WEIGHTS[: i + 1]) / sum(w for _, w in LANGUAGE_WEIGHTS)
    for i in range(len(LANGUAGE_WEIGHTS))
)

_PROMPTS = {
    lang: TemplateSet(
        spec["templates"],
        {**_COMMON, "topic": spec["topic"], "concept": spec["concept"], "task": spec["task"]},
    )
    for lang, spec in _SPEC.items()
}
_REPLIES = {lang: spec["reply"] for lang, spec in _SPEC.items()}

_UNKNOWN = (
    "?",
    "??",
    "ok",
    "k",
    "hmm",
    "lol",
    "xD",
    "...",
    "1234",
    "hi!!",
    "😂😂😂",
    "👍",
    "🙂",
    "test",
    "asdf",
    "jajaja",
    "kkkkk",
    "hahaha",
    ":)",
    "SELECT * FROM",
    "<br>",
    "NaN",
    "null",
    "+++",
)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def draw_language(rnd: random.Random) -> str:
    u = rnd.random()
    for name, c in zip(LANGUAGES, _CUM):
        if u < c:
            return name
    return LANGUAGES[-1]


def foreign_prompt(rnd: random.Random, language: str) -> str:
    """A prompt written in ``language`` (one of :data:`LANGUAGES`)."""
    if language == "unknown":
        if rnd.random() < 0.6:
            return _UNKNOWN[int(rnd.random() * len(_UNKNOWN))]
        k = 3 + int(rnd.random() * 8)
        return "".join(_LETTERS[int(rnd.random() * 26)] for _ in range(k))
    return _PROMPTS[language](rnd)


def foreign_reply(rnd: random.Random, language: str) -> str:
    """A short assistant reply in ``language``."""
    pool = _REPLIES.get(language)
    if pool is None:
        return "I'm not sure what you mean. Could you rephrase your question?"
    return pool[int(rnd.random() * len(pool))]
