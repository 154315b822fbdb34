//! The sandbox's pure model of Cliniko, Nookal and the Motics pages (filled in by the sandbox issue).
