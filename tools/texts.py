#!/usr/bin/env python3
"""Writes src/PartnerDesk/Components/Text.resx (English) and Text.de.resx (German) from the table below.
The English text is the key; English values differ from the key only where a key is a code (enum names)."""
import html, os

TEXTS = {
    # key: (english, german)
    "Account": (None, "Konto"),
    "Active": (None, "Aktiv"),
    "Add internal note": (None, "Interne Notiz hinzufügen"),
    "Add this key to your authenticator app, then enter the code it shows.": (None, "Fügen Sie diesen Schlüssel Ihrer Authenticator-App hinzu und geben Sie den angezeigten Code ein."),
    "All": (None, "Alle"),
    "Any": (None, "Alle"),
    "Anyone": (None, "Alle"),
    "Assignee": (None, "Bearbeiter"),
    "Caller": (None, "Anrufer"),
    "Choose a customer": (None, "Kunden wählen"),
    "Code": (None, "Code"),
    "Copy the token now: it is not shown again.": (None, "Kopieren Sie das Token jetzt: Es wird nicht noch einmal angezeigt."),
    "Create ticket": (None, "Ticket anlegen"),
    "Create token": (None, "Token erstellen"),
    "Created": (None, "Erstellt"),
    "Customer": (None, "Kunde"),
    "Describe the problem": (None, "Beschreiben Sie das Problem"),
    "E-mail": (None, "E-Mail"),
    "Enter the code from your authenticator app.": (None, "Geben Sie den Code aus Ihrer Authenticator-App ein."),
    "Expires": (None, "Läuft ab"),
    "History": (None, "Verlauf"),
    "How bad is it?": (None, "Wie schwer wiegt es?"),
    "Integrations call the API with a token: Authorization: Bearer <token>.": (None, "Integrationen rufen die API mit einem Token auf: Authorization: Bearer <token>."),
    "Internal note": (None, "Interne Notiz"),
    "Kind": (None, "Art"),
    "Last used": (None, "Zuletzt verwendet"),
    "Loading…": (None, "Wird geladen …"),
    "Log a call": (None, "Anruf erfassen"),
    "My tickets": (None, "Meine Tickets"),
    "Name": (None, "Name"),
    "Never": (None, "Nie"),
    "New ticket": (None, "Neues Ticket"),
    "Next": (None, "Weiter"),
    "No tickets match these filters.": (None, "Keine Tickets entsprechen diesen Filtern."),
    "Not a known contact": (None, "Kein bekannter Kontakt"),
    "Not sure": (None, "Weiß nicht"),
    "Number": (None, "Nummer"),
    "Older tickets": (None, "Ältere Tickets"),
    "Page {0}": (None, "Seite {0}"),
    "Password": (None, "Kennwort"),
    "Personal access tokens": (None, "Persönliche Zugriffstoken"),
    "Previous": (None, "Zurück"),
    "Properties": (None, "Eigenschaften"),
    "Protect your account with a code from an authenticator app.": (None, "Schützen Sie Ihr Konto mit einem Code aus einer Authenticator-App."),
    "Queue": (None, "Warteschlange"),
    "Requester": (None, "Anfragender"),
    "Revoke": (None, "Widerrufen"),
    "Revoked": (None, "Widerrufen"),
    "Send": (None, "Senden"),
    "Send reply": (None, "Antwort senden"),
    "Service": (None, "Dienst"),
    "Set up": (None, "Einrichten"),
    "Severity": (None, "Schweregrad"),
    "Sign in": (None, "Anmelden"),
    "Sign out": (None, "Abmelden"),
    "Sort": (None, "Sortierung"),
    "Status": (None, "Status"),
    "The code is not correct.": (None, "Der Code ist nicht richtig."),
    "The e-mail or password is not correct.": (None, "E-Mail oder Kennwort sind nicht richtig."),
    "This ticket does not exist or is not yours to see.": (None, "Dieses Ticket gibt es nicht, oder Sie dürfen es nicht sehen."),
    "Ticket": (None, "Ticket"),
    "Title": (None, "Titel"),
    "Token": (None, "Token"),
    "Turn off": (None, "Ausschalten"),
    "Two-factor sign-in": (None, "Anmeldung mit zweitem Faktor"),
    "Two-factor sign-in is on.": (None, "Die Anmeldung mit zweitem Faktor ist eingeschaltet."),
    "Unassigned": (None, "Nicht zugewiesen"),
    "Updated": (None, "Aktualisiert"),
    "Valid for (days)": (None, "Gültig (Tage)"),
    "Verify": (None, "Bestätigen"),
    "What the caller said": (None, "Was der Anrufer schildert"),
    "Write a reply…": (None, "Antwort schreiben …"),
    "You have no tickets yet.": (None, "Sie haben noch keine Tickets."),
    # Severities (Microsoft's definitions)
    "Severity A": ("Critical: production is down", "Kritisch: Produktion steht"),
    "Severity B": ("Moderate: production is partly affected", "Mittel: Produktion teilweise beeinträchtigt"),
    "Severity C": ("Minimal: the service works, or it is not production", "Gering: Dienst verfügbar oder keine Produktion"),
    # Statuses, kinds, channels, sorts
    "New": (None, "Neu"),
    "Open": (None, "Offen"),
    "PendingCustomer": ("Waiting on customer", "Wartet auf Kunde"),
    "Escalated": (None, "Eskaliert"),
    "Resolved": (None, "Gelöst"),
    "Closed": (None, "Geschlossen"),
    "Incident": (None, "Störung"),
    "ServiceRequest": ("Service request", "Serviceanfrage"),
    "SubscriptionChange": ("Subscription change", "Abonnementänderung"),
    "Portal": (None, "Portal"),
    "Email": ("E-mail", "E-Mail"),
    "Phone": (None, "Telefon"),
    "Api": ("API", "API"),
    "Newest": ("Newest first", "Neueste zuerst"),
    "Oldest": ("Oldest first", "Älteste zuerst"),
    "RecentlyUpdated": ("Recently updated", "Zuletzt geändert"),
    # History changes
    "Created": (None, "Erstellt"),
    "Reply": (None, "Antwort"),
    "InternalNote": ("Internal note", "Interne Notiz"),
    "Assignee": (None, "Bearbeiter"),
    "Customers": (None, "Kunden"),
    "Domain": (None, "Domäne"),
    "Tenant id": (None, "Mandanten-ID"),
    "GDAP relationship": ("GDAP relationship", "GDAP-Beziehung"),
    "Ends": (None, "Endet"),
    "Renew soon": (None, "Bald erneuern"),
    # Field errors of the handlers, as pages show them (the API answers in English)
    "The title field is required.": (None, "Bitte geben Sie einen Titel ein."),
    "The description field is required.": (None, "Bitte beschreiben Sie das Anliegen."),
    "The body field is required.": (None, "Bitte schreiben Sie eine Nachricht."),
    "The customerId field is required.": (None, "Bitte wählen Sie einen Kunden."),
    "The name field is required.": (None, "Bitte geben Sie einen Namen ein."),
    "The title field must be at most 200 characters long.": (None, "Der Titel darf höchstens 200 Zeichen lang sein."),
    "No customer with this id is reachable.": (None, "Dieser Kunde ist für Sie nicht erreichbar."),
    "No contact with this id belongs to the customer.": (None, "Dieser Kontakt gehört nicht zum Kunden."),
    "This ticket is closed; please file a new one.": (None, "Dieses Ticket ist geschlossen; bitte legen Sie ein neues an."),
    "Subscription changes are requested by the customer's admin contact.": (None, "Abonnementänderungen beantragt der Administrator des Kunden."),
    "Sales agents file subscription changes.": (None, "Vertriebsmitarbeiter legen Abonnementänderungen an."),
    "A personal access token lives 1 to 366 days.": (None, "Ein persönliches Zugriffstoken gilt 1 bis 366 Tage."),
    "A ticket cannot go back to New.": (None, "Ein Ticket kann nicht zurück auf „Neu“."),
    "No active agent with this id is in your organisation.": (None, "In Ihrer Organisation gibt es keinen aktiven Mitarbeiter mit dieser ID."),
    "This agent may not work on this ticket (no GDAP access to the customer, or not a ticket for this role).": (None, "Dieser Mitarbeiter darf dieses Ticket nicht bearbeiten (kein GDAP-Zugriff auf den Kunden oder nicht seine Rolle)."),
    "No customer is reachable for you: GDAP access decides which customers you work on.": (None, "Für Sie ist kein Kunde erreichbar: Der GDAP-Zugriff bestimmt, für welche Kunden Sie arbeiten."),
}

HEAD = """<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
"""

def write(path, pairs):
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEAD)
        for key, value in sorted(pairs):
            f.write(f'  <data name="{html.escape(key)}" xml:space="preserve"><value>{html.escape(value, quote=False)}</value></data>\n')
        f.write("</root>\n")

here = os.path.join(os.path.dirname(__file__), "..", "src", "PartnerDesk", "Components")
write(os.path.join(here, "Text.resx"), [(k, en or k) for k, (en, de) in TEXTS.items() if en])
write(os.path.join(here, "Text.de.resx"), [(k, de) for k, (en, de) in TEXTS.items()])
