//! Names and places for the synthetic demo portfolio, per market. Invented combinations of
//! common first names, surnames, streets and real cities with a plausible postcode shape.

/// One market's material for synthetic customers.
pub struct MarketMaterial {
    pub market: &'static str,
    /// Relative share of the demo portfolio.
    pub weight: u32,
    pub first_names: &'static [&'static str],
    pub last_names: &'static [&'static str],
    pub streets: &'static [&'static str],
    /// City and a postcode pattern: '#' is a random digit, other characters are kept.
    pub cities: &'static [(&'static str, &'static str)],
    pub company_suffix: &'static str,
    pub mail_domain: &'static str,
    /// Other languages some customers ask for, besides the market's main one.
    pub other_languages: &'static [&'static str],
    /// Digits after the calling code in a mobile number.
    pub phone_digits: usize,
}

pub const MATERIAL: &[MarketMaterial] = &[
    MarketMaterial { market: "FI", weight: 18, first_names: &["Matti", "Maija", "Juha", "Aino", "Mikko", "Laura"], last_names: &["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Laine", "Heikkinen"], streets: &["Mannerheimintie", "Hämeenkatu", "Aleksanterinkatu", "Kauppakatu"], cities: &[("Helsinki", "00##0"), ("Tampere", "33##0"), ("Turku", "20##0"), ("Oulu", "#0##0")], company_suffix: "Oy", mail_domain: "example.fi", other_languages: &["sv-FI", "en"], phone_digits: 9 },
    MarketMaterial { market: "SE", weight: 18, first_names: &["Erik", "Anna", "Lars", "Maria", "Karl", "Eva"], last_names: &["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson"], streets: &["Storgatan", "Drottninggatan", "Kungsgatan", "Vasagatan"], cities: &[("Stockholm", "1## ##"), ("Göteborg", "4## ##"), ("Malmö", "2## ##"), ("Uppsala", "7## ##")], company_suffix: "AB", mail_domain: "example.se", other_languages: &["en", "fi"], phone_digits: 9 },
    MarketMaterial { market: "NO", weight: 12, first_names: &["Ole", "Ingrid", "Lars", "Kari", "Jonas", "Nora"], last_names: &["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen"], streets: &["Storgata", "Kirkegata", "Kongens gate", "Strandgata"], cities: &[("Oslo", "0###"), ("Bergen", "5###"), ("Trondheim", "7###"), ("Stavanger", "40##")], company_suffix: "AS", mail_domain: "example.no", other_languages: &["nn", "en"], phone_digits: 8 },
    MarketMaterial { market: "DK", weight: 10, first_names: &["Jens", "Mette", "Søren", "Hanne", "Mads", "Anne"], last_names: &["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen"], streets: &["Vestergade", "Østergade", "Nørregade", "Algade"], cities: &[("København", "1###"), ("Aarhus", "8###"), ("Odense", "5###"), ("Aalborg", "####")], company_suffix: "ApS", mail_domain: "example.dk", other_languages: &["en"], phone_digits: 8 },
    MarketMaterial { market: "DE", weight: 12, first_names: &["Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie"], last_names: &["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer"], streets: &["Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenstraße"], cities: &[("Berlin", "1####"), ("Hamburg", "2####"), ("München", "8####"), ("Köln", "5####")], company_suffix: "GmbH", mail_domain: "example.de", other_languages: &["en", "tr"], phone_digits: 10 },
    MarketMaterial { market: "NL", weight: 10, first_names: &["Daan", "Emma", "Sem", "Julia", "Lucas", "Sophie"], last_names: &["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser"], streets: &["Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenstraat"], cities: &[("Amsterdam", "10## AB"), ("Rotterdam", "30## CD"), ("Utrecht", "35## EF"), ("Eindhoven", "56## GH")], company_suffix: "B.V.", mail_domain: "example.nl", other_languages: &["en"], phone_digits: 9 },
    MarketMaterial { market: "GB", weight: 8, first_names: &["Oliver", "Amelia", "George", "Olivia", "Harry", "Isla"], last_names: &["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson"], streets: &["High Street", "Station Road", "Church Lane", "Victoria Road"], cities: &[("London", "SW1A #AA"), ("Manchester", "M# #AA"), ("Leeds", "LS# #AA"), ("Bristol", "BS# #AA")], company_suffix: "Ltd", mail_domain: "example.co.uk", other_languages: &["cy", "pl"], phone_digits: 10 },
    MarketMaterial { market: "BE", weight: 2, first_names: &["Lucas", "Emma", "Louis", "Olivia"], last_names: &["Peeters", "Janssens", "Maes", "Dubois"], streets: &["Kerkstraat", "Rue de la Station", "Stationsstraat"], cities: &[("Brussel", "10##"), ("Antwerpen", "20##"), ("Gent", "#0##")], company_suffix: "BV", mail_domain: "example.be", other_languages: &["fr-BE", "de-BE"], phone_digits: 9 },
    MarketMaterial { market: "EE", weight: 2, first_names: &["Martin", "Mari", "Andres", "Kadri"], last_names: &["Tamm", "Saar", "Sepp", "Mägi"], streets: &["Pärnu mnt", "Narva mnt", "Tartu mnt"], cities: &[("Tallinn", "10###"), ("Tartu", "50###")], company_suffix: "OÜ", mail_domain: "example.ee", other_languages: &["ru", "en"], phone_digits: 8 },
    MarketMaterial { market: "PL", weight: 4, first_names: &["Piotr", "Anna", "Krzysztof", "Maria"], last_names: &["Nowak", "Kowalski", "Wiśniewski", "Wójcik"], streets: &["ul. Polna", "ul. Leśna", "ul. Słoneczna"], cities: &[("Warszawa", "0#-###"), ("Kraków", "3#-###"), ("Gdańsk", "8#-###")], company_suffix: "sp. z o.o.", mail_domain: "example.pl", other_languages: &["en"], phone_digits: 9 },
    MarketMaterial { market: "AT", weight: 1, first_names: &["Lukas", "Anna", "Tobias", "Lena"], last_names: &["Gruber", "Huber", "Bauer", "Wagner"], streets: &["Hauptplatz", "Kirchengasse"], cities: &[("Wien", "10##"), ("Graz", "80##")], company_suffix: "GmbH", mail_domain: "example.at", other_languages: &["en"], phone_digits: 10 },
    MarketMaterial { market: "ES", weight: 2, first_names: &["Antonio", "María", "José", "Carmen"], last_names: &["García", "Martínez", "López", "Sánchez"], streets: &["Calle Mayor", "Calle Real"], cities: &[("Madrid", "280##"), ("Barcelona", "080##")], company_suffix: "S.L.", mail_domain: "example.es", other_languages: &["ca", "en"], phone_digits: 9 },
    MarketMaterial { market: "IT", weight: 1, first_names: &["Marco", "Giulia", "Luca", "Francesca"], last_names: &["Rossi", "Russo", "Ferrari", "Esposito"], streets: &["Via Roma", "Via Garibaldi"], cities: &[("Roma", "001##"), ("Milano", "201##")], company_suffix: "S.r.l.", mail_domain: "example.it", other_languages: &["en"], phone_digits: 10 },
];
