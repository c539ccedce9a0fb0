"""Enumerations of the media service."""

import enum


class MediaKind(str, enum.Enum):
    PHOTO = 'photo'
    DOCUMENT = 'document'
    VIDEO = 'video'


class Visibility(str, enum.Enum):
    PUBLIC = 'public'
    MEMBERS = 'members'
    HIDDEN = 'hidden'
