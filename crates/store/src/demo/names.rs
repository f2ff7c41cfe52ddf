//! The names and places the demo population is drawn from: ordinary first names and family
//! names, combined at random so that no one real is described, and invented towns of the
//! Haute-Vallée. Frequent names come first in their lists: the generator draws them more often.

/// Who a protected adult's measure is entrusted to, with an e-mail address.
#[rustfmt::skip]
pub(super) const PROTECTORS: &[(&str, &str)] = &[
    ("UDAF de la Haute-Vallée, service des majeurs protégés", "majeurs@udaf-haute-vallee.example"),
    ("Association tutélaire de la Lône", "accueil@tutelaire-lone.example"),
    ("Service mandataire de l'hôpital de Valbourg", "mandataire@ch-valbourg.example"),
    ("Mandataire judiciaire indépendante, cabinet des Tilleuls", "cabinet@tilleuls-mjpm.example"),
];

/// Invented towns of the Haute-Vallée with their (unused) postcodes; Valbourg first.
#[rustfmt::skip]
pub const TOWNS: &[(&str, &str)] = &[
    ("Valbourg", "99100"), ("Saint-Aldric-sur-Lône", "99110"), ("Montclérin", "99120"),
    ("Les Aulnettes", "99130"), ("Pont-d'Arlène", "99140"), ("Vergelay", "99150"),
    ("La Roche-Vaudry", "99160"), ("Brévallon", "99170"), ("Combe-Noire", "99180"),
    ("Sainte-Orlane", "99190"), ("Haut-Vallon", "99200"), ("Lône-le-Bas", "99210"),
    ("Saint-Ambrin", "99220"), ("Mesnil-sur-Lône", "99230"),
];

#[rustfmt::skip]
pub(super) const STREETS: &[&str] = &[
    "rue des Tilleuls", "rue du Moulin", "avenue de la Gare", "impasse des Lilas",
    "chemin des Vignes", "place de l'Église", "rue des Écoles", "allée des Peupliers",
    "route de Montclérin", "rue du Lavoir", "chemin du Pré-Fleuri", "rue de la Fontaine",
    "cité des Mélèzes", "boulevard de la Lône", "rue Haute", "rue des Combes", "quai du Torrent",
    "rue du Château-d'Eau", "rue de l'Abbaye", "avenue des Alpages", "rue des Cerisiers",
    "chemin de la Scierie", "rue des Forges", "square des Érables",
];

#[rustfmt::skip]
pub(super) const SHELTERS: &[&str] = &[
    "Centre d'hébergement Les Écrins", "Foyer Le Relais, chambre 4", "Résidence sociale du Torrent",
    "Hôtel social de la Gare",
];

#[rustfmt::skip]
pub(super) const OWN_WORDS: &[&str] = &[
    "Je voudrais un logement plus grand pour mes enfants.", "Depuis que j'ai perdu mon travail,
    je n'arrive plus à payer le loyer.", "J'ai besoin d'aide pour remplir les papiers de la CAF.",
    "Je suis hébergée chez ma sœur, mais ça ne peut pas durer.",
    "On nous a coupé l'électricité la semaine dernière.",
    "Je veux rester chez moi le plus longtemps possible.", "À la fin du mois,
    il ne reste plus rien pour les courses.",
    "Je cherche une formation pour travailler dans l'aide à domicile.",
    "Je ne comprends pas les courriers que je reçois.",
    "Mon fils a des difficultés à l'école et je ne sais pas à qui m'adresser.",
    "Je dors dans ma voiture depuis deux mois.", "Ma mère ne peut plus vivre seule,
    je m'occupe d'elle tous les jours.", "J'ai des dettes et l'huissier m'a écrit.",
    "Je voudrais passer le permis pour trouver du travail plus facilement.", "Depuis mon accident,
    je ne peux plus travailler comme avant.", "Le propriétaire veut que nous partions avant l'été.",
    "Je parle un peu français, mais j'ai besoin qu'on m'explique lentement.",
    "Je ne veux pas que mes enfants sachent que nous avons des difficultés.",
    "Le chauffage ne marche plus et il fait très froid dans l'appartement.",
    "J'aimerais reprendre contact avec ma fille.", "Je suis seul depuis le décès de ma femme.",
    "Je ne sais pas si j'ai droit à une aide pour la cantine.",
];

/// Frequent French family names, most frequent first (the weights follow the rank).
#[rustfmt::skip]
pub(super) const FRENCH_FAMILY: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier",
    "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gérard", "Nguyen",
    "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche", "Roy", "Noël",
    "Meyer", "Lucas", "Meunier", "Jean", "Pérez", "Marchand", "Dufour", "Blanchard", "Barbier",
    "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin", "Fernandez", "Renard", "Arnaud",
    "Rolland", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine",
    "Picard", "Gaillard", "Philippe", "Lacroix", "Fabre", "Dupuis", "Olivier", "Rodriguez",
    "Da Silva", "Hubert", "Guillot", "Rivière", "Le Gall", "Guillaume", "Adam", "Rey", "Moulin",
    "Gonzalez", "Berger", "Lecomte", "Ménard", "Fleury", "Deschamps", "Carpentier", "Julien",
    "Benoît", "Maillard", "Marchal", "Aubry", "Vasseur", "Le Roux", "Renault", "Jacquet", "Collet",
    "Prévost", "Poirier", "Charpentier", "Royer", "Huet", "Baron", "Dupuy", "Pons", "Carré",
    "Breton", "Rémy", "Schneider", "Perrot", "Guyot", "Barré", "Marty", "Cousin", "Le Goff",
    "Bouvier", "Hamel", "Lebrun", "Mallet", "Tessier", "Besson", "Bérard", "Chauvin", "Bailly",
    "Hervé", "Boucher", "Gilbert", "Langlois", "Lemaître", "Pelletier", "Hoarau", "Payet",
    "Grondin", "Benali", "Haddad", "Belkacem", "Bouzid", "Mansouri", "Cherif", "Saïdi", "Amrani",
    "Khelifi", "Bensaïd", "N'Diaye", "Diallo", "Traoré", "Sow", "Koné", "Camara", "Cissé", "Diop",
    "Keïta", "Touré", "N'Guessan", "Kouassi", "Coulibaly", "N'Doye", "Dos Santos", "Pereira",
    "Ferreira", "De Oliveira", "Rodrigues", "Gonçalves", "Fernandes", "D'Almeida", "D'Angelo",
    "D'Hondt", "Le Bris", "Le Floch", "Le Bihan", "Le Corre", "Le Guen", "Le Meur", "Le Berre",
    "Du Pré", "De la Croix", "Lévêque", "Bègue", "Crépin", "Jégou", "Thévenin", "Hébert",
    "Lelièvre", "Desprès",
];

/// Syllables that make the long tail of family names ("Bonnard", "Ferrière", "Valignac"…).
#[rustfmt::skip]
pub(super) const ROOTS: &[&str] = &[
    "Bar", "Bel", "Ber", "Bon", "Bour", "Char", "Cor", "Dal", "Dur", "Fer", "Gar", "Gil", "Gour",
    "Jal", "Lam", "Lar", "Mal", "Mar", "Mer", "Mon", "Mor", "Pel", "Per", "Pon", "Rab", "Ren",
    "Ros", "Sal", "Sav", "Tes", "Val", "Ver", "Vil", "Cham", "Cour", "Four", "Gen", "Lav", "Pas",
    "Rav",
];
#[rustfmt::skip]
pub(super) const ENDINGS: &[&str] = &[
    "ard", "aud", "eau", "el", "et", "ier", "ière", "in", "on", "ot", "oux", "as", "ès", "ac",
    "aux", "and", "iot", "ois", "eron", "ignac", "illon", "ichon",
];

/// French first names given to women, most frequent first.
#[rustfmt::skip]
pub(super) const FRENCH_FEMALE: &[&str] = &[
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Christine", "Valérie",
    "Sandrine", "Véronique", "Stéphanie", "Céline", "Sophie", "Aurélie", "Julie", "Émilie",
    "Camille", "Laura", "Léa", "Manon", "Chloé", "Emma", "Inès", "Jade", "Louise", "Zoé", "Anaïs",
    "Mélanie", "Élodie", "Hélène", "Cécile", "Brigitte", "Monique", "Josiane", "Martine", "Nicole",
    "Danielle", "Jocelyne", "Chantal", "Ghislaine", "Maëlle", "Océane", "Noémie", "Clémence",
    "Agnès", "Bérénice", "Gaëlle", "Léonie", "Margaux", "Anne-Sophie", "Marie-Claire",
    "Marie-Thérèse", "Anne-Laure", "Lou", "Alice", "Rose", "Mia", "Ambre", "Lina", "Nour",
    "Yasmine", "Fatima", "Samira", "Aïcha", "Fatou", "Aminata", "Awa", "Khadija", "Leïla", "Myriam",
    "Naïma", "Salomé", "Justine", "Pauline", "Morgane", "Estelle", "Coralie", "Solène", "Héloïse",
    "Éloïse", "Amélie", "Annick", "Odile", "Gisèle", "Renée", "Yvette", "Paulette", "Geneviève",
    "Jeanne", "Thérèse", "Maïwenn", "Anne", "Joëlle",
];

/// French first names given to men, most frequent first.
#[rustfmt::skip]
pub(super) const FRENCH_MALE: &[&str] = &[
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Patrick", "Nicolas", "Christophe", "Frédéric",
    "Laurent", "Stéphane", "Éric", "Olivier", "Sébastien", "Julien", "David", "Thomas", "Alexandre",
    "Maxime", "Kévin", "Romain", "Antoine", "Lucas", "Hugo", "Louis", "Gabriel", "Léo", "Raphaël",
    "Arthur", "Jules", "Nathan", "Enzo", "Théo", "Noé", "Mathéo", "Timothée", "Benoît", "Jérôme",
    "Jérémy", "Grégory", "Cédric", "Hervé", "Gérard", "Bernard", "Daniel", "René", "Joël", "Noël",
    "Gaël", "Loïc", "Yannick", "Jean-Pierre", "Jean-Marc", "Jean-Luc", "Jean-François",
    "Pierre-Yves", "Marc-Antoine", "François", "Mathis", "Rayan", "Karim", "Mohamed", "Youssef",
    "Amine", "Bilal", "Mehdi", "Moussa", "Mamadou", "Ibrahima", "Ousmane", "Sékou", "Adama", "Issa",
    "Samuel", "Anthony", "Dylan", "Quentin", "Baptiste", "Valentin", "Florian", "Damien", "Fabrice",
    "Régis", "Gilles", "Thierry", "Didier", "Yves", "Roger", "André", "Marcel", "Lucien",
    "Aurélien", "Anaël", "Maël",
];

/// Korean family names in Hangul and in Latin letters.
#[rustfmt::skip]
pub(super) const KOREAN_FAMILY: &[(&str, &str)] = &[
    ("김", "Kim"), ("이", "Lee"), ("박", "Park"), ("최", "Choi"), ("정", "Jung"), ("강", "Kang"),
    ("조", "Cho"), ("윤", "Yoon"), ("장", "Jang"), ("임", "Lim"), ("한", "Han"), ("오", "Oh"),
];

/// Korean given names of two syllables, in Hangul and in Latin letters.
#[rustfmt::skip]
pub(super) const KOREAN_GIVEN: &[(&str, &str)] = &[
    ("민준", "Min-jun"), ("서연", "Seo-yeon"), ("지우", "Ji-woo"), ("하은", "Ha-eun"), ("도윤", "Do-yun"),
    ("수아", "Su-a"), ("예준", "Ye-jun"), ("지민", "Ji-min"), ("현우", "Hyun-woo"), ("유진", "Yu-jin"),
    ("서준", "Seo-jun"), ("민서", "Min-seo"), ("지호", "Ji-ho"), ("하린", "Ha-rin"), ("준서", "Jun-seo"),
    ("윤서", "Yun-seo"), ("건우", "Geon-woo"), ("채원", "Chae-won"), ("우진", "U-jin"), ("지아", "Ji-a"),
    ("은우", "Eun-woo"), ("서윤", "Seo-yun"), ("시우", "Si-u"), ("다은", "Da-eun"),
];

#[rustfmt::skip]
pub(super) const VIETNAMESE_FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
    "Ngô", "Dương", "Lý",
];
#[rustfmt::skip]
pub(super) const VIETNAMESE_FEMALE: &[&str] = &[
    "Lan", "Hương", "Anh", "Trang", "Linh", "Mai", "Hoa", "Phương", "Thảo", "Vy", "Nhung", "Hằng",
];
#[rustfmt::skip]
pub(super) const VIETNAMESE_MALE: &[&str] = &[
    "Nam", "Hùng", "Dũng", "Tuấn", "Long", "Bảo", "Khoa", "Hiếu", "Hải", "Sơn", "Thắng", "Phúc",
];

/// Polish family names in their masculine form (the feminine is derived: -ski → -ska).
#[rustfmt::skip]
pub(super) const POLISH_FAMILY: &[&str] = &[
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Krawczyk",
    "Grabowski", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel", "Majewski",
    "Olszewski", "Stępień", "Malinowski", "Jaworski", "Górski", "Sikora", "Baran",
];
#[rustfmt::skip]
pub(super) const POLISH_FEMALE: &[&str] = &[
    "Małgorzata", "Agnieszka", "Katarzyna", "Anna", "Zofia", "Magdalena", "Joanna", "Ewa",
    "Barbara", "Żaneta", "Weronika", "Urszula",
];
#[rustfmt::skip]
pub(super) const POLISH_MALE: &[&str] = &[
    "Łukasz", "Paweł", "Michał", "Wojciech", "Krzysztof", "Jakub", "Bartłomiej", "Grzegorz",
    "Piotr", "Tomasz", "Jędrzej", "Mikołaj",
];
