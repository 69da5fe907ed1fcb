// PricesPage against FakeAdminApi's price table: every origin listed and filtered, a table of more
// than a page loaded whole, a price added (checked before it is sent), an entry edited into a new
// effective-dated one, a stored one deleted after asking, a LiteLLM file imported (or refused, and
// why), a load failure in the banner; and Prices.js alone.
import QtQuick
import QtTest
import Gatehouse.Console
import "../../../qml/Prices.js" as Prices

Item {
    id: root
    width: 1280
    height: 900

    FakeAdminApi {
        id: api
    }
    Component {
        id: pageComponent
        PricesPage {
            anchors.fill: parent
            client: api
        }
    }

    function entry(origin, provider, model, day, input, output, more) {
        const e = { provider: provider, model: model, input_per_million: input, output_per_million: output, currency: "USD",
            source: origin === "default" ? "https://example.com/pricing" : "", effective_date: day, note: "", origin: origin }
        for (const key in (more || {}))
            e[key] = more[key]
        return e
    }
    function seedPrices() {
        api.prices = [
            entry("default", "openai", "gpt-4o", "2025-10-01", 2.5, 10, { cached_input_per_million: 1.25 }),
            entry("default", "openai", "gpt-4o-mini", "2025-10-01", 0.15, 0.6),
            entry("default", "anthropic", "claude-sonnet-4-5", "2025-10-01", 3, 15, { cached_input_per_million: 0.3, cache_write_per_million: 3.75 }),
            entry("file", "openai", "gpt-4o", "2025-06-01", 2.25, 9, { source: "Enterprise agreement" }),
            entry("store", "", "llama-3.1-8b", "2025-01-01", 0.05, 0.08, { source: "Internal GPU cost" })
        ]
    }

    GovernanceTestCase {
        name: "PricesPage"

        function init() {
            api.sent = []
            api.failNext = null
            api.failPrices = null
            api.audit = []
            seedPrices()
        }
        function createPage() {
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            return page
        }
        function table(page) {
            return findOne(page, "pricesTable")
        }
        function openDialog(page, name) {
            const dialog = findOne(page, name)
            tryCompare(dialog, "opened", true)
            return dialog
        }
        function field(dialog, name) {
            return findOne(dialog.contentItem, name)
        }
        function puts() {
            return api.sent.filter(r => r.method === "PUT")
        }

        function test_everyOriginIsListedAndFiltered() {
            const page = createPage()
            const rows = rowsOf(table(page), 5)
            // By provider, model and day: the entries for any provider first.
            verify(texts(rows[0]).indexOf("llama-3.1-8b") >= 0, String(texts(rows[0])))
            verify(texts(rows[0]).indexOf("any") >= 0)
            verify(texts(rows[0]).indexOf("Set here") >= 0)
            verify(texts(rows[1]).indexOf("3 / 15") >= 0, String(texts(rows[1])))
            verify(texts(rows[1]).indexOf("0.3 / 3.75") >= 0)
            verify(texts(rows[1]).indexOf("Shipped") >= 0)
            const file = rowWith(table(page), "Enterprise agreement")
            verify(texts(file).indexOf("Config file") >= 0)
            verify(texts(file).indexOf("2025-06-01") >= 0)
            verify(texts(file).indexOf("USD") >= 0)
            verify(hasText(page, "5 entries"))

            typeInto(findOne(page, "priceFilter"), "GPT-4O")
            rowsOf(table(page), 3)
            verify(hasText(page, "3 of 5 entries"), String(texts(page)))
            typeInto(findOne(page, "priceFilter"), "gpt-4o agreement")
            rowsOf(table(page), 1)
            typeInto(findOne(page, "priceFilter"), "")
            const origin = findOne(page, "originFilter")
            origin.currentIndex = 1
            origin.activated(1) // shipped list prices
            rowsOf(table(page), 3)
            typeInto(findOne(page, "priceFilter"), "nothing like it")
            rowsOf(table(page), 0)
            verify(hasText(page, "No price matches this filter."))
        }

        function test_aTableOfSeveralPagesIsLoadedWhole() {
            const many = []
            for (let i = 0; i < 2345; ++i)
                many.push(root.entry("store", "openai", "model-" + String(i).padStart(4, "0"), "2025-01-01", 1, 2))
            api.prices = many
            const page = createPage()
            tryCompare(page, "busy", false)
            tryVerify(() => page.entries.length === 2345, 5000, page.entries.length)
            const gets = api.sent.filter(r => r.method === "GET").map(r => r.target)
            compare(gets, ["/admin/v1/prices?limit=1000&offset=0", "/admin/v1/prices?limit=1000&offset=1000",
                "/admin/v1/prices?limit=1000&offset=2000"])
            typeInto(findOne(page, "priceFilter"), "model-2344")
            rowsOf(table(page), 1)
        }

        function test_aNewPriceIsCheckedBeforeItIsSent() {
            const page = createPage()
            rowsOf(table(page), 5)
            click(page, "Add price…")
            const dialog = openDialog(page, "priceDialog")
            compare(field(dialog, "priceEffectiveDate").text, Prices.today())
            typeInto(field(dialog, "priceProvider"), "Open AI")
            typeInto(field(dialog, "priceInput"), "-1")
            typeInto(field(dialog, "priceOutput"), "ten")
            typeInto(field(dialog, "priceCachedInput"), "0.5")
            typeInto(field(dialog, "priceEffectiveDate"), "2027-02-30")
            click(dialog.contentItem, "Save price")
            verify(field(dialog, "dialogError").visible)
            for (const name of ["priceProvider", "priceModel", "priceInput", "priceOutput", "priceEffectiveDate"])
                verify(field(dialog, name).invalid, name + " should be marked")
            verify(!field(dialog, "priceCachedInput").invalid)
            verify(!field(dialog, "priceCacheWrite").invalid, "empty is the input price")
            compare(puts().length, 0)

            typeInto(field(dialog, "priceProvider"), "openai")
            typeInto(field(dialog, "priceModel"), "gpt-4.1")
            typeInto(field(dialog, "priceInput"), "2")
            typeInto(field(dialog, "priceOutput"), "8")
            typeInto(field(dialog, "priceEffectiveDate"), "2027-01-01")
            typeInto(field(dialog, "priceSource"), "https://openai.com/api/pricing/")
            typeInto(field(dialog, "priceReason"), "new model")
            click(dialog.contentItem, "Save price")
            tryCompare(dialog, "visible", false)
            compare(JSON.stringify(puts()[0].body), JSON.stringify({ model: "gpt-4.1", effective_date: "2027-01-01", currency: "USD",
                provider: "openai", input_per_million: 2, output_per_million: 8, cached_input_per_million: 0.5,
                source: "https://openai.com/api/pricing/", reason: "new model" }))
            const added = rowWith(table(page), "gpt-4.1") // the table asked again
            verify(texts(added).indexOf("2 / 8") >= 0)
            verify(texts(added).indexOf("0.5 / —") >= 0, String(texts(added)))
        }

        function test_editingStoresANewEntryFromToday() {
            const page = createPage()
            const shipped = rowWith(table(page), "claude-sonnet-4-5")
            click(shipped, "Edit…")
            const dialog = openDialog(page, "priceDialog")
            verify(dialog.message.indexOf("Editing never rewrites history") >= 0, dialog.message)
            verify(dialog.message.indexOf("2025-10-01") >= 0, dialog.message)
            compare(field(dialog, "priceProvider").text, "anthropic")
            compare(field(dialog, "priceModel").text, "claude-sonnet-4-5")
            compare(field(dialog, "priceCacheWrite").text, "3.75")
            compare(field(dialog, "priceEffectiveDate").text, Prices.today())
            typeInto(field(dialog, "priceOutput"), "12")
            click(dialog.contentItem, "Save price")
            tryCompare(dialog, "visible", false)
            const body = puts()[0].body
            compare(body.effective_date, Prices.today())
            compare(body.output_per_million, 12)
            compare(body.cache_write_per_million, 3.75)
            // The shipped entry stays for the calls before today.
            tryVerify(() => page.entries.filter(e => e.model === "claude-sonnet-4-5").length === 2)
        }

        function test_aRefusalKeepsTheFormAndMarksItsField() {
            const page = createPage()
            // The config file declares this day's entry: the API refuses, naming the file.
            click(rowWith(table(page), "Enterprise agreement"), "Edit…")
            const dialog = openDialog(page, "priceDialog")
            typeInto(field(dialog, "priceEffectiveDate"), "2025-06-01")
            click(dialog.contentItem, "Save price")
            tryVerify(() => field(dialog, "dialogError").text.indexOf("is declared in /etc/gatehouse/gatehouse.yaml") >= 0, 5000,
                field(dialog, "dialogError").text)
            verify(dialog.visible)
            compare(field(dialog, "priceEffectiveDate").text, "2025-06-01")

            api.failNext = { status: 400, message: "input_per_million: must be a number between 0 and 1000000", code: "invalid_value",
                param: "input_per_million" }
            typeInto(field(dialog, "priceEffectiveDate"), "2027-01-01")
            click(dialog.contentItem, "Save price")
            tryVerify(() => field(dialog, "priceInput").invalid)
            verify(!field(dialog, "priceOutput").invalid)
            dialog.close()
        }

        function test_onlyAStoredEntryIsDeletedAfterAsking() {
            const page = createPage()
            verify(!button(rowWith(table(page), "Enterprise agreement"), "Delete…"), "the config file's entries are changed there")
            verify(!button(rowWith(table(page), "claude-sonnet-4-5"), "Delete…"), "shipped entries cannot be deleted")
            click(rowWith(table(page), "llama-3.1-8b"), "Delete…")
            const dialog = openDialog(page, "deletePriceDialog")
            verify(dialog.message.indexOf("llama-3.1-8b (any) from 2025-01-01") >= 0, dialog.message)
            compare(api.sent.filter(r => r.method === "DELETE").length, 0)
            typeInto(field(dialog, "deletePriceReason"), "not ours any more")
            click(dialog.contentItem, "Delete")
            tryCompare(dialog, "visible", false)
            compare(api.sent.filter(r => r.method === "DELETE")[0].target,
                "/admin/v1/prices?model=llama-3.1-8b&effective_date=2025-01-01&reason=not%20ours%20any%20more")
            rowsOf(table(page), 4)
        }

        function test_aLiteLlmFileIsImported() {
            const page = createPage()
            rowsOf(table(page), 5)
            const file = {
                "gpt-4o-mini": { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1.5e-7, output_cost_per_token: 6e-7 },
                "mistral/mistral-large-latest": { litellm_provider: "mistral", mode: "chat", input_cost_per_token: 2e-6, output_cost_per_token: 6e-6 },
                "dall-e-3": { litellm_provider: "openai", mode: "image_generation", output_cost_per_image: 0.04 }
            }
            const read = []
            page.readFile = url => { read.push(String(url)); return { text: JSON.stringify(file), error: "" } }
            page.openImport("file:///tmp/some%20dir/model_prices.json")
            compare(read, ["file:///tmp/some%20dir/model_prices.json"])
            const dialog = openDialog(page, "importPricesDialog")
            verify(dialog.message.indexOf("model_prices.json lists 3 models") >= 0, dialog.message)
            compare(field(dialog, "importDate").text, Prices.today())
            typeInto(field(dialog, "importDate"), "2027-01-01")
            typeInto(field(dialog, "importReason"), "new list prices")
            click(dialog.contentItem, "Import")
            tryCompare(dialog, "visible", false)
            const post = api.sent.filter(r => r.method === "POST")[0]
            compare(post.target, "/admin/v1/prices/import?effective_date=2027-01-01&reason=new%20list%20prices")
            compare(Object.keys(post.body).length, 3)
            const result = findOne(page, "importResultText")
            tryCompare(findOne(page, "importResult"), "visible", true)
            compare(result.text, "Imported 2 prices from model_prices.json effective 2027-01-01 (2 new, 0 updated). "
                + "Skipped 1 not priced per token (images, audio, per-call prices) or malformed: dall-e-3.")
            rowWith(table(page), "mistral-large-latest")
            click(page, "Dismiss")
            verify(!findOne(page, "importResult").visible)
        }

        function test_aFileThatIsNotAPriceFileIsSaidInTheBanner() {
            const page = createPage()
            rowsOf(table(page), 5)
            const banner = findOne(page, "errorBanner")
            page.readFile = url => ({ text: "", error: "cannot read /tmp/gone.json: No such file or directory" })
            page.openImport("file:///tmp/gone.json")
            verify(banner.visible)
            compare(banner.title, "Could not import that file")
            compare(banner.message, "cannot read /tmp/gone.json: No such file or directory")

            page.readFile = url => ({ text: "[1, 2]", error: "" })
            page.openImport("file:///tmp/list.json")
            verify(banner.message.indexOf("list.json is not a LiteLLM price file") >= 0, banner.message)
            page.readFile = url => ({ text: "{\"a\": ", error: "" })
            page.openImport("file:///tmp/cut.json")
            verify(banner.message.indexOf("cut.json is not JSON") >= 0, banner.message)
            verify(!findOne(page, "importPricesDialog").visible)
            compare(api.sent.filter(r => r.method === "POST").length, 0)

            // A file that reads well clears it.
            page.readFile = url => ({ text: "{}", error: "" })
            page.openImport("file:///tmp/empty.json")
            verify(!banner.visible)
            const dialog = openDialog(page, "importPricesDialog")
            dialog.close()
        }

        function test_anImportRefusedByTheApiStaysInItsDialog() {
            const page = createPage()
            rowsOf(table(page), 5)
            page.readFile = url => ({ text: "{}", error: "" })
            page.openImport("file:///tmp/prices.json")
            const dialog = openDialog(page, "importPricesDialog")
            api.failNext = { status: 400, message: "body: must be a LiteLLM price file: a JSON object of model ids, each with its prices",
                code: "invalid_value", param: "body" }
            click(dialog.contentItem, "Import")
            tryCompare(field(dialog, "dialogError"), "text", "body: must be a LiteLLM price file: a JSON object of model ids, each with its prices")
            verify(dialog.visible)
            verify(!findOne(page, "importResult").visible)
            typeInto(field(dialog, "importDate"), "2027-13-01")
            verify(!button(dialog.contentItem, "Import").enabled, "a day that does not exist")
            dialog.close()
        }

        function test_aLoadFailureIsSaidInTheBanner() {
            api.failPrices = { status: 500, message: "store_error: database is locked" }
            const page = createPage()
            const banner = findOne(page, "errorBanner")
            tryCompare(banner, "visible", true)
            compare(banner.title, "Could not load the price table")
            compare(banner.message, "store_error: database is locked")
            rowsOf(table(page), 0)
            verify(hasText(page, "Not available: see the message above."))
            api.failPrices = null
            click(banner, "Try again")
            rowsOf(table(page), 5)
            verify(!banner.visible)
        }

        // ---- Prices.js alone.

        function test_isDate_data() {
            return [
                { tag: "a day", text: "2027-01-01", valid: true },
                { tag: "leap day", text: "2028-02-29", valid: true },
                { tag: "not a leap year", text: "2027-02-29", valid: false },
                { tag: "month 13", text: "2027-13-01", valid: false },
                { tag: "one digit", text: "2027-1-01", valid: false },
                { tag: "with a time", text: "2027-01-01 10:00", valid: false },
                { tag: "empty", text: "", valid: false }
            ]
        }
        function test_isDate(data) {
            compare(Prices.isDate(data.text), data.valid)
        }

        function test_priceText_data() {
            return [
                { tag: "whole", value: 10, text: "10" },
                { tag: "fraction", value: 0.075, text: "0.075" },
                { tag: "float noise", value: 0.1 + 0.2, text: "0.3" },
                { tag: "zero", value: 0, text: "0" },
                { tag: "none", value: null, text: "—" },
                { tag: "absent", value: undefined, text: "—" }
            ]
        }
        function test_priceText(data) {
            compare(Prices.priceText(data.value), data.text)
        }

        function test_aModelNameWithASlashIsEncodedInTheDelete() {
            compare(Prices.deleteTarget({ provider: "", model: "meta-llama/Llama-3.1-8B-Instruct", effective_date: "1970-01-01" }, " "),
                "/admin/v1/prices?model=meta-llama%2FLlama-3.1-8B-Instruct&effective_date=1970-01-01")
        }

        function test_theBodyLeavesOutWhatIsEmpty() {
            const form = Prices.priceForm(null, "2027-01-01")
            form.model = " gpt-4o "
            form.input_per_million = "0"
            form.output_per_million = "1.5"
            compare(JSON.stringify(Prices.priceProblems(form)), "{}")
            compare(JSON.stringify(Prices.priceBody(form)),
                JSON.stringify({ model: "gpt-4o", effective_date: "2027-01-01", currency: "USD", input_per_million: 0, output_per_million: 1.5 }))
        }
    }
}
