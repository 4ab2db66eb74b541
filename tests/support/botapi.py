"""A local HTTP server that speaks the Telegram Bot API and behaves like Telegram.

`FakeTelegram` is a real server on 127.0.0.1, not a mock: python-telegram-bot talks to it over
HTTP exactly as it talks to api.telegram.org, and it answers as Telegram does, including the
refusals bots meet in production: HTML that Telegram cannot parse, messages over 4096 characters,
malformed inline keyboards, "message is not modified", flood control (429 with retry_after),
blocked users (403), group-to-supergroup migration, and the 409 of a second getUpdates poller.

Point python-telegram-bot at it with::

    ApplicationBuilder().token(server.token).base_url(f"{server.base_url}/bot")
        .base_file_url(f"{server.base_url}/file/bot")

A test plays the users (`user_sends`, `user_presses`, `channel_posts`, `user_blocks`) and reads what
they saw (`sent`, `wait_for_messages`). Every call is kept in `calls`.

Telegram's HTML parser (tdlib's `parse_html`) tolerates a bare "&" and `<a>` without `href`;
the Bot API documentation forbids both. With `strict_html=True` (the default) this server follows
the documentation, so a renderer that forgets to escape "&" fails here before it garbles text there.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import re
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

DEFAULT_TOKEN = "123456:TEST-token-for-the-local-bot-api"
BOT_FIRST_NAME = "Digest Bot"
BOT_USERNAME = "digest_test_bot"

MAX_MESSAGE_LENGTH = 4096  # UTF-16 code units of the visible text
MAX_CALLBACK_DATA_BYTES = 64
MAX_POLL_TIMEOUT = 30  # seconds; Telegram's own long-polling cap is of this order
MAX_BODY_BYTES = 60 * 1024 * 1024
FAULT_KINDS = ("429", "403", "500", "migrate")

# Parameters whose values are JSON objects or arrays; in form-encoded and multipart bodies they
# arrive as JSON strings (python-telegram-bot json.dumps every non-string value).
JSON_PARAMETERS = frozenset(
    {
        "reply_markup",
        "link_preview_options",
        "reply_parameters",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "media",
        "results",
        "options",
    }
)
# Methods that produce or change a message: the ones flood control and blocked users refuse.
MESSAGE_METHODS = frozenset({"sendmessage", "editmessagetext", "editmessagereplymarkup"})
_MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
_ADMIN_RIGHTS = (  # ChatMemberAdministrator's required fields besides status, user and the two flags
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories",
)  # fmt: skip
_RESTRICTED_RIGHTS = (  # ChatMemberRestricted's required fields
    "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos", "can_send_videos",
    "can_send_video_notes", "can_send_voice_notes", "can_send_polls", "can_send_other_messages",
    "can_add_web_page_previews", "can_change_info", "can_invite_users", "can_pin_messages",
    "can_manage_topics",
)  # fmt: skip
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
# Delivered when allowed_updates is unset or empty: everything but these (as Telegram does).
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
BUTTON_URL_RE = re.compile(r"^(?:(?:https?|tg)://\S+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:[/?#]\S*)?)$")


@dataclass(frozen=True)
class SentMessage:
    """What a user saw: one message sent, or a new state of one after an edit."""

    chat_id: int
    message_id: int
    text: str  # the visible text, as the user reads it (tags removed, entities decoded)
    html: str | None  # the text argument exactly as the bot sent it (the HTML source in HTML mode)
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    disable_preview: bool
    method: str  # "sendMessage", "editMessageText" or "editMessageReplyMarkup"
    entities: list[dict[str, Any]] = field(default_factory=list)
    received_at: float = field(default_factory=time.time)  # when the server took it (time.time())

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons, row after row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description and optional response parameters."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class _Fault:
    method: str  # lower case
    kind: str
    remaining: int
    chat_id: int | str | None
    retry_after: int
    migrate_to_chat_id: int | None


# --------------------------------------------------------------------------------------------
# Telegram's HTML parse mode


class EntityParseError(Exception):
    """The reason Telegram gives after "can't parse entities: "."""


_SPACES = frozenset(" \t\r\n\v\f\0")
_ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HEX = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _decode_entity(text: str, pos: int, strict: bool) -> tuple[str, int] | None:
    """The character an HTML entity at `pos` stands for and the index after it, or None."""
    end = pos + 1
    n = len(text)
    if end < n and text[end] == "#":
        end += 1
        hexadecimal = end < n and text[end] == "x"
        if hexadecimal:
            end += 1
        digits = _HEX if hexadecimal else _DIGITS
        start = end
        while end < n and text[end] in digits and end - pos < 10:
            end += 1
        if end == start:
            return None
        value = int(text[start:end], 16 if hexadecimal else 10)
        if value == 0 or value >= 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            return None
        character = chr(value)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(text[pos + 1 : end])
        if named is None:
            return None
        character = named
    if end < n and text[end] == ";":
        end += 1
    elif strict:
        return None
    return character, end


@dataclass
class _OpenTag:
    name: str
    utf16_start: int
    href: str = ""
    language: str = ""
    emoji_id: str = ""
    expandable: bool = False


def parse_html(source: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Visible text and entities of an HTML-mode message, following tdlib's parser and its errors."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    offset = 0  # UTF-16 offset in the visible text
    n = len(source)
    i = 0

    def at(k: int) -> str:
        return source[k] if k < n else "\0"

    while i < n:
        char = source[i]
        if char == "&":
            decoded = _decode_entity(source, i, strict)
            if decoded is not None:
                character, i = decoded
                out.append(character)
                offset += utf16_length(character)
                continue
            if strict:
                raise EntityParseError(
                    f'Character "&" must be escaped as "&amp;" at byte offset {_byte_offset(source, i)}'
                )
        if char != "<":
            out.append(char)
            offset += utf16_length(char)
            i += 1
            continue

        begin = i
        where = _byte_offset(source, begin)
        i += 1
        if at(i) != "/":
            while at(i) not in _SPACES and at(i) != ">":
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {where}")
            tag = _OpenTag(source[begin + 1 : i].lower(), offset)
            if tag.name not in _ALLOWED_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag.name}" at byte offset {where}')
            span_class = ""
            while at(i) != ">":
                while i < n and source[i] in _SPACES:
                    i += 1
                if i >= n:
                    raise EntityParseError(f"Unclosed start tag at byte offset {where}")
                if at(i) == ">":
                    break
                name_start = i
                while at(i) not in _SPACES and at(i) not in "=>":
                    i += 1
                attribute = source[name_start:i].lower()
                if not attribute:
                    raise EntityParseError(
                        f'Empty attribute name in the tag "{tag.name}" at byte offset {where}'
                    )
                while i < n and source[i] in _SPACES:
                    i += 1
                if at(i) != "=":
                    if tag.name == "blockquote" and attribute == "expandable":
                        tag.expandable = True
                        continue
                    raise EntityParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag.name}" at byte offset {where}'
                    )
                i += 1
                while i < n and source[i] in _SPACES:
                    i += 1
                if i >= n:
                    raise EntityParseError(f'Unclosed start tag "{tag.name}" at byte offset {where}')
                if source[i] not in "'\"":
                    token_start = i
                    while at(i).isascii() and (at(i).isalnum() or at(i) in ".-"):
                        i += 1
                    value = source[token_start:i].lower()
                    if at(i) not in _SPACES and at(i) != ">":
                        raise EntityParseError(
                            f"Unexpected end of name token at byte offset {_byte_offset(source, token_start)}"
                        )
                else:
                    quote = source[i]
                    i += 1
                    chars: list[str] = []
                    while i < n and source[i] != quote:
                        if source[i] == "&":
                            decoded = _decode_entity(source, i, strict=False)
                            if decoded is not None:
                                chars.append(decoded[0])
                                i = decoded[1]
                                continue
                        chars.append(source[i])
                        i += 1
                    if i < n:
                        i += 1
                    value = "".join(chars)
                if i >= n:
                    raise EntityParseError(f"Unclosed start tag at byte offset {where}")
                if tag.name == "a" and attribute == "href":
                    tag.href = value
                elif tag.name == "code" and attribute == "class" and value.startswith("language-"):
                    tag.language = value.removeprefix("language-")
                elif tag.name == "span" and attribute == "class":
                    span_class = value
                elif tag.name == "tg-emoji" and attribute == "emoji-id":
                    tag.emoji_id = value
            if tag.name == "span" and span_class != "tg-spoiler":
                raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {where}')
            if tag.name == "a" and strict and not tag.href:
                raise EntityParseError(f'Tag "a" must have attribute "href" at byte offset {where}')
            if tag.name == "tg-emoji" and not tag.emoji_id.isdigit():
                raise EntityParseError(f"Invalid custom emoji identifier specified at byte offset {where}")
            stack.append(tag)
            i += 1  # the ">"
            continue

        # an end tag
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {where}")
        i += 1  # the "/"
        name_start = i
        while at(i) not in _SPACES and at(i) != ">":
            i += 1
        end_name = source[name_start:i].lower()
        while i < n and source[i] in _SPACES:
            i += 1
        if at(i) != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {where}")
        i += 1
        tag = stack.pop()
        if end_name and end_name != tag.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {where}, expected "</{tag.name}>", found "</{end_name}>"'
            )
        length = offset - tag.utf16_start
        if length <= 0 or (tag.name == "a" and not tag.href):
            continue
        entity: dict[str, Any] = {
            "type": _ENTITY_TYPES[tag.name],
            "offset": tag.utf16_start,
            "length": length,
        }
        if tag.name == "a":
            entity["url"] = tag.href
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.emoji_id
        elif tag.name == "blockquote" and tag.expandable:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "code" and tag.language:
            entity["language"] = tag.language  # becomes the pre's language when a pre wraps it
        elif tag.name == "pre" and entities:
            inner = entities[-1]
            if inner["type"] == "code" and inner["offset"] == entity["offset"] and inner["length"] == length:
                entities.pop()
                if inner.get("language"):
                    entity["language"] = inner["language"]
        entities.append(entity)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return "".join(out), entities


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram drops leading and trailing whitespace from a message; entities follow the text."""
    blanks = "".join(chr(c) for c in range(33))
    stripped = text.strip(blanks)
    if not stripped:
        return "", []
    lead = utf16_length(text) - utf16_length(text.lstrip(blanks))
    total = utf16_length(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    kept.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, kept


def command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities as a Telegram client sends them: "/cmd" or "/cmd@botname"."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_length(text[: match.start()]),
            "length": utf16_length(match.group()),
        }
        for match in COMMAND_RE.finditer(text)
    ]


# --------------------------------------------------------------------------------------------
# Request bodies


def _parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        raise bad_request("can't parse multipart/form-data: no boundary")
    delimiter = b"--" + match.group(1).encode("latin-1")
    params: dict[str, Any] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        part = part.removeprefix(b"\r\n")
        head, _, content = part.partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = head.decode("utf-8", "replace")
        name = re.search(r'name="([^"]*)"', headers)
        if not name:
            continue
        if re.search(r'filename="', headers):
            params[name.group(1)] = content  # an uploaded file: its bytes
        else:
            params[name.group(1)] = content.decode("utf-8", "replace")
    return params


def _decode_parameters(params: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_PARAMETERS & params.keys():
        value = params[key]
        if isinstance(value, str):
            try:
                params[key] = json.loads(value)
            except ValueError:
                if key == "reply_markup":
                    raise bad_request("can't parse reply keyboard markup JSON object") from None
                raise bad_request(f"can't parse {key} JSON object") from None
    return params


def _as_int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise bad_request(f"invalid {name} specified")
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise bad_request(f"invalid {name} specified") from None


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


# --------------------------------------------------------------------------------------------
# The server


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that vanished mid-connection (a bot process killed by a test) is not a server bug."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeTelegram:
    """A Telegram Bot API server on 127.0.0.1 for one bot, with users a test can script."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = BOT_USERNAME,
        strict_html: bool = True,
        port: int = 0,
    ) -> None:
        """`port` 0 takes a free one; a given port lets a test start the server where a bot already
        expects it (a Bot API server that comes up late, or comes back)."""
        self.token = token
        self.strict_html = strict_html
        bot_id = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(bot_id) if bot_id.isdigit() else 123456,
            "is_bot": True,
            "first_name": BOT_FIRST_NAME,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._stopping = False
        self._sent: list[SentMessage] = []
        self._calls: list[tuple[str, dict[str, Any]]] = []
        self._errors: list[str] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(10_001)
        self._query_ids = itertools.count(1)
        self._open_queries: set[str] = set()
        self._poll_generation = 0
        self._allowed_updates: list[str] = []
        self._webhook: dict[str, Any] = {}
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}  # current state, by (chat, id)
        self._bot_messages: set[tuple[int, int]] = set()
        self._sent_state: dict[tuple[int, int], SentMessage] = {}
        self._next_message_id: dict[int, int] = {}
        self._last_user_message: dict[tuple[int, int], int] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._usernames: dict[str, int] = {}
        self._blocked: set[int] = set()
        self._roles: dict[tuple[int, int], str] = {}  # (group, user) -> getChatMember status
        self._faults: list[_Fault] = []
        self._limits: tuple[float, float] | None = None
        self._late: dict[str, float] = {}  # method (lower case) -> seconds its answers wait
        self._window_chat: dict[int | str, deque[float]] = {}
        self._window_global: deque[float] = deque()
        self._rate_limited = 0
        self._methods: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._ok,
                "close": self._ok,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendChatAction": self._send_chat_action,
                "getChat": self._get_chat,
                "getChatMember": self._get_chat_member,
            }.items()
        }
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "FakeTelegram/1.0"
            # Headers and body go out in two writes; with Nagle's algorithm on, the second waits for
            # the client's delayed ACK (about 40 ms a request), which Telegram's servers do not add.
            disable_nagle_algorithm = True

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._serve(self)

            def do_POST(self) -> None:
                server._serve(self)

        self._httpd = _HTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-telegram",
            daemon=True,
        )

    # ---- life cycle -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeTelegram:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()  # long polls answer [] at once
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ---- what a test reads --------------------------------------------------------------------

    @property
    def sent(self) -> list[SentMessage]:
        """Every message the bot sent and every edit, in order (a snapshot)."""
        with self._lock:
            return list(self._sent)

    @property
    def calls(self) -> list[tuple[str, dict[str, Any]]]:
        """(method, params) of every authorised call, in order (a snapshot)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [params for name, params in self._calls if name.lower() == method.lower()]

    @property
    def rate_limited(self) -> int:
        """How many requests `enforce_rate_limits` refused with 429."""
        with self._lock:
            return self._rate_limited

    @property
    def errors(self) -> list[str]:
        """Tracebacks of bugs in this server (answered 500); a test can assert it is empty."""
        with self._lock:
            return list(self._errors)

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        with self._lock:
            return len(self._updates)

    @property
    def webhook_url(self) -> str:
        with self._lock:
            return self._webhook.get("url", "")

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, str]]:
        with self._lock:
            return list(self._commands.get(self._scope_key(scope, language_code), []))

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """The current state of a bot message (after edits), or None if absent or deleted."""
        with self._lock:
            return self._sent_state.get((chat_id, message_id))

    def wait_for_messages(
        self, n: int, timeout: float = 10.0, chat_id: int | None = None, *, method: str | None = None
    ) -> list[SentMessage]:
        """Block until `sent` holds at least n records (to that chat, of that method); return them all."""

        def matching() -> list[SentMessage]:
            return [
                m
                for m in self._sent
                if (chat_id is None or m.chat_id == chat_id) and (method is None or m.method == method)
            ]

        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := matching()) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(m.method, m.chat_id, m.text) for m in self._sent]
                    raise AssertionError(
                        f"expected {n} message(s)"
                        + (f" to chat {chat_id}" if chat_id is not None else "")
                        + (f" by {method}" if method else "")
                        + f" within {timeout}s, got {len(found)}; everything sent: {seen}; "
                        + f"calls: {[name for name, _ in self._calls]}"
                    )
                self._changed.wait(min(remaining, 0.25))
            return found

    def wait_for_calls(self, method: str, n: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until the bot has called `method` at least n times; return the params of each call."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := self.calls_to(method)) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {n} call(s) to {method} within {timeout}s, got {len(found)}; "
                        f"calls: {[name for name, _ in self._calls]}"
                    )
                self._changed.wait(min(remaining, 0.25))
            return found

    # ---- scripting users ------------------------------------------------------------------------

    def user_sends(
        self,
        text: str,
        chat_id: int | None = None,
        user_id: int = 1001,
        first_name: str = "Ada",
        chat_type: str = "private",
        edited: bool = False,
        *,
        username: str | None = None,
        message_id: int | None = None,
    ) -> int:
        """A user writes (or edits, with `edited=True`) a text message; returns the update_id."""
        if chat_id is None:
            chat_id = user_id if chat_type == "private" else -1001000000001
        with self._changed:
            user: dict[str, Any] = {
                "id": user_id,
                "is_bot": False,
                "first_name": first_name,
                "language_code": "en",
            }
            if username:
                user["username"] = username
            if chat_type == "private":
                chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": first_name}
                if username:
                    chat["username"] = username
                if user_id in self._blocked:  # a client unblocks the bot before writing to it
                    self._queue_member_change(user_id, "kicked", "member")
            else:
                chat = self._chats.get(chat_id) or {
                    "id": chat_id,
                    "type": chat_type,
                    "title": f"Chat {chat_id}",
                }
            self._chats[chat_id] = chat
            now = int(time.time())
            if edited:
                if message_id is None:
                    message_id = self._last_user_message.get((chat_id, user_id))
                if message_id is None:
                    raise ValueError(f"user {user_id} has no message in chat {chat_id} to edit")
            else:
                message_id = self._new_message_id(chat_id)
                self._last_user_message[(chat_id, user_id)] = message_id
            message: dict[str, Any] = {
                "message_id": message_id,
                "from": user,
                "chat": dict(chat),
                "date": now,
                "text": text,
            }
            if edited:
                message["date"] = self._messages.get((chat_id, message_id), {}).get("date", now)
                message["edit_date"] = now
            if entities := command_entities(text):
                message["entities"] = entities
            self._messages[(chat_id, message_id)] = message
            return self._queue({"edited_message" if edited else "message": message})

    def user_presses(
        self, callback_data: str, message_id: int, chat_id: int | None = None, user_id: int = 1001
    ) -> int:
        """A user presses an inline button of a message the bot sent; returns the update_id.

        Raises ValueError if that message has no such button (a real user could not press it)."""
        if chat_id is None:
            chat_id = user_id
        with self._changed:
            key = (chat_id, message_id)
            state = self._sent_state.get(key)
            if state is None:
                raise ValueError(f"the bot has no message {message_id} in chat {chat_id}")
            data = [button.get("callback_data") for button in state.buttons]
            if callback_data not in data:
                raise ValueError(f"message {message_id} has no button with {callback_data!r}; it has {data}")
            query_id = str(4_000_000_000_000_000 + next(self._query_ids))
            self._open_queries.add(query_id)
            user = {"id": user_id, "is_bot": False, "first_name": "Ada", "language_code": "en"}
            if chat := self._chats.get(user_id):
                user["first_name"] = chat.get("first_name", "Ada")
            return self._queue(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": user,
                        "message": json.loads(json.dumps(self._messages[key])),
                        "chat_instance": str(abs(chat_id) * 7919 + 17),
                        "data": callback_data,
                    }
                }
            )

    def group_role(self, chat_id: int, user_id: int, status: str) -> None:
        """Who a user is in a group, as getChatMember tells it: "creator", "administrator", "member"
        (everyone not set), "restricted", "left" or "kicked"."""
        if status not in _MEMBER_STATUSES:
            raise ValueError(f"not a chat member status: {status!r}")
        with self._lock:
            self._roles[(chat_id, user_id)] = status

    def channel_posts(self, text: str, chat_id: int = -1001234567890, title: str = "News Channel") -> int:
        """A post appears in a channel the bot administers; returns the update_id."""
        with self._changed:
            chat = {"id": chat_id, "type": "channel", "title": title}
            self._chats[chat_id] = chat
            message = {
                "message_id": self._new_message_id(chat_id),
                "sender_chat": dict(chat),
                "chat": dict(chat),
                "date": int(time.time()),
                "text": text,
            }
            self._messages[(chat_id, message["message_id"])] = message
            return self._queue({"channel_post": message})

    def user_blocks(self, user_id: int = 1001) -> int:
        """The user blocks the bot: sends to them now get 403; a my_chat_member update is queued."""
        with self._changed:
            self._blocked.add(user_id)
            return self._queue_member_change(user_id, "member", "kicked")

    def user_unblocks(self, user_id: int = 1001) -> int:
        with self._changed:
            return self._queue_member_change(user_id, "kicked", "member")

    # ---- faults and limits ----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        kind: str,
        count: int = 1,
        chat_id: int | str | None = None,
        *,
        retry_after: int = 1,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """The next `count` calls of `method` (to `chat_id`, if given) fail the way Telegram fails.

        kind: "429" (flood control, `retry_after` seconds), "403" (bot blocked by the user),
        "500" (Internal Server Error), "migrate" (group upgraded to a supergroup; the new id is
        `migrate_to_chat_id`, by default -100 followed by the old id's digits)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}, not {kind!r}")
        with self._lock:
            self._faults.append(_Fault(method.lower(), kind, count, chat_id, retry_after, migrate_to_chat_id))

    def enforce_rate_limits(self, per_chat_per_second: float = 1.0, global_per_second: float = 30.0) -> None:
        """Refuse message sends and edits over these rates with 429 retry_after (sliding windows)."""
        if per_chat_per_second <= 0 or global_per_second <= 0:
            raise ValueError("rates must be positive")
        with self._lock:
            self._limits = (per_chat_per_second, global_per_second)

    def relax_rate_limits(self) -> None:
        with self._lock:
            self._limits = None

    def answer_late(self, method: str, seconds: float) -> None:
        """Calls of `method` take effect at once (a message is in `sent`) but are answered `seconds`
        later, as over a slow network: the client cannot know yet that the call succeeded."""
        with self._lock:
            self._late[method.lower()] = seconds

    # ---- HTTP -----------------------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        status, payload = 200, {}
        try:
            status, payload = self._respond(handler)
        except Exception:
            with self._lock:
                self._errors.append(traceback.format_exc())
            status, payload = 500, ApiError(500, "Internal Server Error").payload()
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        with self._lock:
            late = self._late.get(urlsplit(handler.path).path.rsplit("/", 1)[-1].lower(), 0.0)
        time.sleep(late)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

    def _read_body(self, handler: BaseHTTPRequestHandler) -> bytes:
        if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(handler.rfile.read(size))
                handler.rfile.readline()
        length = int(handler.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        return handler.rfile.read(length) if length else b""

    def _respond(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, Any]]:
        url = urlsplit(handler.path)
        try:
            body = self._read_body(handler) if handler.command == "POST" else b""
        except ApiError as error:
            handler.close_connection = True
            return error.code, error.payload()
        match = re.fullmatch(r"/bot([^/]*)/([^/]*)", unquote(url.path))
        if not match:
            return 404, ApiError(404, "Not Found").payload()
        token, method = match.groups()
        if token != self.token:
            return 401, ApiError(401, "Unauthorized").payload()
        try:
            params: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
            content_type = handler.headers.get("Content-Type", "")
            if body and "application/json" in content_type:
                decoded = json.loads(body)
                if not isinstance(decoded, dict):
                    raise bad_request("parameters must be a JSON object")
                params.update(decoded)
            elif body and "multipart/form-data" in content_type:
                params.update(_parse_multipart(body, content_type))
            elif body:
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            with self._changed:
                known = self._methods.get(method.lower())
                self._calls.append((known[0] if known else method, params))
                self._changed.notify_all()
                if known is None:
                    raise ApiError(404, "Not Found: method not found")
                _decode_parameters(params)
                self._apply_faults(method.lower(), params)
                result = known[1](params)
                self._changed.notify_all()
        except ApiError as error:
            return error.code, error.payload()
        except (ValueError, UnicodeDecodeError) as error:
            return 400, bad_request(f"can't parse request: {error}").payload()
        return 200, {"ok": True, "result": result}

    # ---- helpers (called with the lock held) ------------------------------------------------------

    def _queue(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        self._changed.notify_all()
        return update_id

    def _queue_member_change(self, user_id: int, old: str, new: str) -> int:
        self._blocked.discard(user_id)
        if new == "kicked":
            self._blocked.add(user_id)
        chat = self._chats.get(user_id) or {"id": user_id, "type": "private", "first_name": "Ada"}
        user = {"id": user_id, "is_bot": False, "first_name": chat.get("first_name", "Ada")}

        def member(status: str) -> dict[str, Any]:
            state: dict[str, Any] = {"user": dict(self.bot_user), "status": status}
            if status == "kicked":
                state["until_date"] = 0
            return state

        return self._queue(
            {
                "my_chat_member": {
                    "chat": dict(chat),
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def _chat_id(self, params: dict[str, Any], required: bool = True) -> int | None:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            if required:
                raise bad_request("chat_id is empty")
            return None
        if isinstance(raw, str) and raw.startswith("@"):
            name = raw[1:].lower()
            if not re.fullmatch(r"[a-z][a-z0-9_]{3,31}", name):
                raise bad_request("chat not found")
            if name not in self._usernames:
                chat_id = -1002000000000 - len(self._usernames) - 1
                self._usernames[name] = chat_id
                self._chats.setdefault(
                    chat_id, {"id": chat_id, "type": "channel", "title": raw[1:], "username": raw[1:]}
                )
            return self._usernames[name]
        if isinstance(raw, bool):
            raise bad_request("chat not found")
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id in self._chats:
            return dict(self._chats[chat_id])
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        if str(chat_id).startswith("-100"):
            return {"id": chat_id, "type": "supergroup", "title": f"Chat {chat_id}"}
        return {"id": chat_id, "type": "group", "title": f"Chat {chat_id}"}

    def _apply_faults(self, method: str, params: dict[str, Any]) -> None:
        chat_id: int | None = None
        if "chat_id" in params:
            with contextlib.suppress(ApiError):
                chat_id = self._chat_id(params)
        for fault in self._faults:
            if fault.method != method:
                continue
            if fault.chat_id is not None:
                wanted = fault.chat_id
                if isinstance(wanted, str):
                    wanted = self._chat_id({"chat_id": wanted})
                if wanted != chat_id:
                    continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            if fault.kind == "429":
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                )
            if fault.kind == "403":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if fault.kind == "500":
                raise ApiError(500, "Internal Server Error")
            new_id = fault.migrate_to_chat_id
            if new_id is None:
                new_id = int(f"-100{abs(chat_id or 1234567)}")
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": new_id},
            )
        if method in MESSAGE_METHODS and chat_id is not None:
            if chat_id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            self._check_rate(chat_id)

    def _check_rate(self, chat_id: int) -> None:
        if self._limits is None:
            return
        now = time.monotonic()
        chat_window = self._window_chat.setdefault(chat_id, deque())
        for window, rate in ((chat_window, self._limits[0]), (self._window_global, self._limits[1])):
            capacity = max(1, int(rate))
            span = capacity / rate
            while window and now - window[0] >= span:
                window.popleft()
            if len(window) >= capacity:
                self._rate_limited += 1
                retry_after = max(1, math.ceil(window[0] + span - now))
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
                )
        chat_window.append(now)
        self._window_global.append(now)

    @staticmethod
    def _scope_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

    def _render(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]], str | None]:
        """Visible text, entities and parse mode of a text argument, or Telegram's refusal."""
        source = params.get("text")
        if source is None or source == "":
            raise bad_request("message text is empty")
        source = str(source)
        parse_mode = params.get("parse_mode") or None
        if parse_mode is None:
            text, entities = source, list(params.get("entities") or [])
        elif str(parse_mode).lower() == "html":
            try:
                text, entities = parse_html(source, strict=self.strict_html)
            except EntityParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        elif str(parse_mode).lower() in ("markdown", "markdownv2"):
            raise bad_request(f"parse_mode {parse_mode} is not implemented by FakeTelegram; use HTML")
        else:
            raise bad_request("unsupported parse_mode")
        text, entities = _trim(text, entities)
        if not text:
            raise bad_request("message text is empty")
        if utf16_length(text) > MAX_MESSAGE_LENGTH:
            raise bad_request("message is too long")
        return text, entities, parse_mode

    @staticmethod
    def _check_markup(markup: Any) -> dict[str, Any] | None:
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return markup  # a reply keyboard, keyboard removal or force reply
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict):
                    raise bad_request(
                        "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                    )
                if not isinstance(button.get("text"), str):
                    raise bad_request(
                        'can\'t parse inline keyboard button: Field "text" must be of type String'
                    )
                if not button["text"].strip():
                    raise bad_request("BUTTON_TEXT_INVALID")
                actions = [name for name in BUTTON_ACTIONS if name in button]
                if not actions:
                    raise bad_request(
                        "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                    )
                if len(actions) > 1:
                    raise bad_request(
                        "can't parse inline keyboard button: exactly one of the optional fields must be "
                        f"used, got {actions}"
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    if (
                        not isinstance(data, str)
                        or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                    ):
                        raise bad_request("BUTTON_DATA_INVALID")
                if "url" in button and not (
                    isinstance(button["url"], str) and BUTTON_URL_RE.match(button["url"])
                ):
                    raise bad_request("BUTTON_URL_INVALID")
        return markup

    @staticmethod
    def _disable_preview(params: dict[str, Any]) -> bool:
        options = params.get("link_preview_options")
        if isinstance(options, dict) and options.get("is_disabled"):
            return True
        return _as_bool(params.get("disable_web_page_preview", False))

    def _record(
        self,
        method: str,
        message: dict[str, Any],
        params: dict[str, Any],
        parse_mode: str | None,
        markup: dict[str, Any] | None,
        source: str | None,
    ) -> None:
        key = (message["chat"]["id"], message["message_id"])
        record = SentMessage(
            chat_id=key[0],
            message_id=key[1],
            text=message.get("text", ""),
            html=source,
            parse_mode=parse_mode,
            reply_markup=markup,
            disable_preview=self._disable_preview(params),
            method=method,
            entities=list(message.get("entities", [])),
        )
        self._sent.append(record)
        self._sent_state[key] = record

    def _message_to_edit(self, params: dict[str, Any]) -> tuple[tuple[int, int], dict[str, Any]]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat_id = self._chat_id(params)
        assert chat_id is not None
        if not params.get("message_id"):
            raise bad_request("message identifier is not specified")
        key = (chat_id, _as_int(params["message_id"], "message_id"))
        if key not in self._messages:
            raise bad_request("message to edit not found")
        if key not in self._bot_messages:
            raise bad_request("message can't be edited")
        return key, self._messages[key]

    # ---- methods ----------------------------------------------------------------------------------

    def _ok(self, _params: dict[str, Any]) -> bool:
        return True

    def _get_me(self, _params: dict[str, Any]) -> dict[str, Any]:
        return dict(self.bot_user)

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self._webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(params.get("offset") or 0, "offset")
        limit = _as_int(params.get("limit") or 100, "limit")
        limit = min(max(limit, 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), MAX_POLL_TIMEOUT)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        self._changed.notify_all()  # an older poll still waiting is terminated (409)
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            ready = self._deliverable()
            if ready or self._stopping:
                return ready[:limit]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._changed.wait(remaining)

    def _deliverable(self) -> list[dict[str, Any]]:
        allowed = set(self._allowed_updates)

        def wanted(update: dict[str, Any]) -> bool:
            kind = next(key for key in update if key != "update_id")
            return kind in allowed if allowed else kind not in OPT_IN_UPDATES

        self._updates = [u for u in self._updates if wanted(u)]  # Telegram never keeps the others
        return json.loads(json.dumps(self._updates))

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        self._webhook = {"url": url, "params": params} if url else {}
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        self._webhook = {}
        return True

    def _get_webhook_info(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned: list[dict[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("BOT_COMMAND_INVALID")
            command = item.get("command")
            description = item.get("description")
            if not isinstance(command, str) or not BOT_COMMAND_RE.fullmatch(command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not description.strip():
                raise bad_request("command description is empty")
            if len(description) > 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command, "description": description})
        key = self._scope_key(params.get("scope"), params.get("language_code"))
        if cleaned:
            self._commands[key] = cleaned
        else:  # an empty list clears the menu, as deleteMyCommands does
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return list(self._commands.get(self._scope_key(params.get("scope"), params.get("language_code")), []))

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._scope_key(params.get("scope"), params.get("language_code")), None)
        return True

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        assert chat_id is not None
        text, entities, parse_mode = self._render(params)
        markup = self._check_markup(params.get("reply_markup"))
        reply_to: dict[str, Any] | None = None
        reply = params.get("reply_parameters")
        if reply is None and params.get("reply_to_message_id"):
            reply = {"message_id": params["reply_to_message_id"]}
        if isinstance(reply, dict) and reply.get("message_id"):
            reply_chat = self._chat_id({"chat_id": reply.get("chat_id", chat_id)})
            assert reply_chat is not None
            reply_to = self._messages.get((reply_chat, _as_int(reply["message_id"], "message_id")))
            if reply_to is None and not _as_bool(
                reply.get("allow_sending_without_reply", params.get("allow_sending_without_reply", False))
            ):
                raise bad_request("message to be replied not found")
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "from": dict(self.bot_user),
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            "text": text,
        }
        if message["chat"]["type"] == "channel":
            del message["from"]
            message["sender_chat"] = self._chat(chat_id)
        if entities:
            message["entities"] = entities
        if isinstance(params.get("link_preview_options"), dict):
            message["link_preview_options"] = params["link_preview_options"]
        if reply_to is not None:
            message["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
        if markup and any(markup.get("inline_keyboard") or []):
            message["reply_markup"] = markup
        key = (chat_id, message["message_id"])
        self._messages[key] = message
        self._bot_messages.add(key)
        self._record("sendMessage", message, params, parse_mode, markup, str(params["text"]))
        return message

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        key, current = self._message_to_edit(params)
        text, entities, parse_mode = self._render(params)
        markup = self._check_markup(params.get("reply_markup"))
        inline = markup if markup and any(markup.get("inline_keyboard") or []) else None
        if (
            text == current.get("text")
            and entities == current.get("entities", [])
            and inline == current.get("reply_markup")
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message"
            )
        message = {k: v for k, v in current.items() if k not in ("entities", "reply_markup")}
        message.update(text=text, edit_date=int(time.time()))
        if entities:
            message["entities"] = entities
        if inline:  # an edit without reply_markup removes the inline keyboard, as on Telegram
            message["reply_markup"] = inline
        self._messages[key] = message
        self._record("editMessageText", message, params, parse_mode, inline, str(params["text"]))
        return message

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        key, current = self._message_to_edit(params)
        markup = self._check_markup(params.get("reply_markup"))
        inline = markup if markup and any(markup.get("inline_keyboard") or []) else None
        if inline == current.get("reply_markup"):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message"
            )
        message = {k: v for k, v in current.items() if k != "reply_markup"}
        message["edit_date"] = int(time.time())
        if inline:
            message["reply_markup"] = inline
        self._messages[key] = message
        previous = self._sent_state[key]
        record = SentMessage(
            chat_id=key[0],
            message_id=key[1],
            text=previous.text,
            html=previous.html,
            parse_mode=previous.parse_mode,
            reply_markup=inline,
            disable_preview=previous.disable_preview,
            method="editMessageReplyMarkup",
            entities=previous.entities,
        )
        self._sent.append(record)
        self._sent_state[key] = record
        return message

    def _delete_message(self, params: dict[str, Any]) -> bool:
        chat_id = self._chat_id(params)
        assert chat_id is not None
        key = (chat_id, _as_int(params.get("message_id") or 0, "message_id"))
        if key not in self._messages:
            raise bad_request("message to delete not found")
        del self._messages[key]
        self._bot_messages.discard(key)
        self._sent_state.pop(key, None)
        return True

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_queries:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        return True

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._chat_id(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        assert chat_id is not None
        user_id = _as_int(params.get("user_id"), "user_id")
        user = {"id": user_id, "is_bot": False, "first_name": "Ada"}
        if chat_id > 0:  # a private chat: its only other member is the user
            if chat_id != user_id:
                raise bad_request("PARTICIPANT_ID_INVALID")
            return {"status": "member", "user": user}
        status = self._roles.get((chat_id, user_id), "member")
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(dict.fromkeys(_ADMIN_RIGHTS, False), can_be_edited=False, is_anonymous=False)
            member.update(can_manage_chat=True, can_delete_messages=True, can_invite_users=True)
        elif status == "restricted":
            member.update(dict.fromkeys(_RESTRICTED_RIGHTS, False), is_member=True, until_date=0)
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        assert chat_id is not None
        chat = self._chat(chat_id)
        chat.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return chat
