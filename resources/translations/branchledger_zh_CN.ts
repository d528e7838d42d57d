<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AttachmentViewer</name>
    <message>
        <source>Save a copy</source>
        <translation>另存副本</translation>
    </message>
    <message>
        <source>“{0}” cannot be shown inside BranchLedger. You can save a copy and open it with another program.
The copy is NOT encrypted: anyone with access to that folder can read it. Delete it when you no longer need it.</source>
        <translation>“{0}”不能在支部台账中直接查看，可以另存一份副本，用其他程序打开。
另存的副本不加密：能访问那个文件夹的人都能读取它。用完后请删除。</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Saved an unencrypted copy to {0}</source>
        <translation>已将未加密的副本保存到 {0}</translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation>正在打开…</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>This image cannot be shown.</source>
        <translation>无法显示这张图片。</translation>
    </message>
    <message>
        <source>Page {0} of {1}</source>
        <translation>第 {0} 页，共 {1} 页</translation>
    </message>
</context>
<context>
    <name>Attachments</name>
    <message>
        <source>Sign-in sheet</source>
        <translation>签到表</translation>
    </message>
    <message>
        <source>Activity photo</source>
        <translation>活动照片</translation>
    </message>
    <message>
        <source>Lecture notes / slides</source>
        <translation>讲稿/课件</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <source>Add attachment…</source>
        <translation>添加附件…</translation>
    </message>
    <message>
        <source>Attach sign-in sheet scans, photos, lecture notes or slides (JPEG, PNG, PDF, Word, PowerPoint, Excel)</source>
        <translation>添加签到表扫描件、活动照片、讲稿或课件（JPEG、PNG、PDF、Word、PowerPoint、Excel）</translation>
    </message>
    <message>
        <source>Keep original photos</source>
        <translation>保留原图</translation>
    </message>
    <message>
        <source>Unticked, photos are reduced to about 2000 pixels so they sync quickly over a slow link</source>
        <translation>不勾选时，照片缩小到约 2000 像素，网络慢时也能较快同步</translation>
    </message>
    <message>
        <source>Drop files here, or paste an image with Ctrl+V</source>
        <translation>可把文件拖到这里，或按 Ctrl+V 粘贴图片</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>正在添加…</translation>
    </message>
    <message>
        <source>Attachments not uploaded yet</source>
        <translation>附件未上传完</translation>
    </message>
    <message>
        <source>Some attachments of this record have not reached head office yet; they are sent with the next sync</source>
        <translation>本记录有附件尚未传到总部，下次同步时发送</translation>
    </message>
    <message>
        <source>Caption, e.g. 重温入党誓词</source>
        <translation>说明，如：重温入党誓词</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove this attachment from the record (drafts only)</source>
        <translation>从记录中移除这个附件（仅限草稿）</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Add attachment</source>
        <translation>添加附件</translation>
    </message>
    <message>
        <source>Attachments ({0})</source>
        <translation>附件 ({0})</translation>
    </message>
    <message>
        <source>The clipboard holds no image or file to attach.</source>
        <translation>剪贴板里没有可以添加的图片或文件。</translation>
    </message>
    <message>
        <source>not on this computer</source>
        <translation>未下载到本机</translation>
    </message>
    <message>
        <source>Removed {0}</source>
        <translation>已移除 {0}</translation>
    </message>
</context>
<context>
    <name>BackupPanel</name>
    <message>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>Empty: the data directory&apos;s backups folder</source>
        <translation>留空：数据目录下的 backups 文件夹</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source> backups</source>
        <translation> 个备份</translation>
    </message>
    <message>
        <source>Back up when the ledger is closed or locked</source>
        <translation>关闭或锁定台账时备份</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <source>Restore the selected backup…</source>
        <translation>恢复所选备份…</translation>
    </message>
    <message>
        <source>Backups are encrypted like the ledger. Choose a folder on a USB stick so that a laptop whose disk fails loses at most a day, even if it never synced.</source>
        <translation>备份与台账一样是加密的。请选择 U 盘上的文件夹：这样即使电脑从未同步、硬盘损坏，最多只会损失一天的记录。</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>备份位置</translation>
    </message>
    <message>
        <source>Keep the last</source>
        <translation>保留最近</translation>
    </message>
    <message>
        <source>Last backup: {0}</source>
        <translation>最近一次备份：{0}</translation>
    </message>
    <message>
        <source>No backup was made yet.</source>
        <translation>还没有备份。</translation>
    </message>
    <message>
        <source>Last failure: {0}</source>
        <translation>最近一次备份失败：{0}</translation>
    </message>
    <message>
        <source>Backup location</source>
        <translation>备份位置</translation>
    </message>
    <message>
        <source>The folder {0} does not exist (is the USB stick plugged in?).</source>
        <translation>文件夹 {0} 不存在（U 盘没有插入？）。</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <source>Restore a backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>The ledger goes back to the backup of {0}. The current data is kept aside, not deleted. Changes since the backup that reached head office come back with the next sync; changes never synced are lost. Enter the passphrase to restore.</source>
        <translation>台账将回到 {0} 的备份。当前数据会移到一旁保存，不会删除。备份之后已同步到上级党委的修改，会在下次同步时重新下载；从未同步的修改将丢失。请输入密码以恢复。</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
</context>
<context>
    <name>BranchEditor</name>
    <message>
        <source>Branch profile</source>
        <translation>支部信息</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>支部</translation>
    </message>
    <message>
        <source>The branch has a committee (支委会)</source>
        <translation>本支部设有支部委员会</translation>
    </message>
    <message>
        <source>Village or community branch (5-year term)</source>
        <translation>村/社区党支部（每届5年）</translation>
    </message>
    <message>
        <source>Branch name</source>
        <translation>支部名称</translation>
    </message>
    <message>
        <source>Organisation code</source>
        <translation>组织代码</translation>
    </message>
    <message>
        <source>Higher Party organisation</source>
        <translation>上级党组织</translation>
    </message>
    <message>
        <source>Branches with 7 or more full members must elect a committee</source>
        <translation>正式党员7人以上的支部应设立支部委员会</translation>
    </message>
    <message>
        <source>Records kept from</source>
        <translation>台账起始日期</translation>
    </message>
    <message>
        <source>台账起始日期: required activities are checked from this day; meetings entered for earlier dates (补录) still count</source>
        <translation>从这一天起检查规定活动的完成情况；日期更早的会议可以补录，补录后同样计入</translation>
    </message>
    <message>
        <source>Party groups</source>
        <translation>党小组</translation>
    </message>
    <message>
        <source>Party group</source>
        <translation>党小组</translation>
    </message>
    <message>
        <source>Add group</source>
        <translation>添加党小组</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Resolve a sync conflict</source>
        <translation>解决同步冲突</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>This record was changed on two devices before they synced. Nothing was lost: choose, field by field, which version to keep (highlighted fields differ), or edit the merged text.</source>
        <translation>这条记录在同步前被两台设备分别修改。两个版本都已保留：请逐项选择保留哪个版本的内容（高亮的是不一致的项目），也可以直接修改合并后的文字。</translation>
    </message>
    <message>
        <source>Show only the fields that differ</source>
        <translation>只显示不一致的项目</translation>
    </message>
    <message>
        <source>Resolve with the merged version</source>
        <translation>按合并结果解决冲突</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Version {0}</source>
        <translation>版本{0}</translation>
    </message>
    <message>
        <source>this device</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>current at head office</source>
        <translation>上级党委当前版本</translation>
    </message>
    <message>
        <source>by {0}, {1}</source>
        <translation>{0} 修改于 {1}</translation>
    </message>
    <message>
        <source>(deleted in this version)</source>
        <translation>（此版本已删除该记录）</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Keep this version</source>
        <translation>全部采用此版本</translation>
    </message>
    <message>
        <source>Merged result</source>
        <translation>合并结果</translation>
    </message>
    <message>
        <source>Keep this value</source>
        <translation>采用此内容</translation>
    </message>
    <message>
        <source>The merged text: edit it to combine both versions</source>
        <translation>合并后的文字：可修改以综合两个版本</translation>
    </message>
    <message>
        <source>Saving the merged version…</source>
        <translation>正在保存合并结果…</translation>
    </message>
    <message>
        <source>The merged version was not saved:
{0}</source>
        <translation>合并结果未能保存：
{0}</translation>
    </message>
</context>
<context>
    <name>ConflictFields</name>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>ConflictList</name>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>版本数</translation>
    </message>
    <message>
        <source>Last edited</source>
        <translation>最后修改</translation>
    </message>
    <message>
        <source>Double-click to compare the versions and resolve</source>
        <translation>双击对照各版本并解决冲突</translation>
    </message>
</context>
<context>
    <name>DateField</name>
    <message>
        <source>YYYY-MM-DD HH:MM</source>
        <translation>年-月-日 时:分</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日</translation>
    </message>
    <message>
        <source>Choose from a calendar</source>
        <translation>从日历中选择</translation>
    </message>
    <message>
        <source>Please fill this in</source>
        <translation>请填写</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>The file could not be used: {0}</source>
        <translation>无法使用该文件：{0}</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>This record has unsaved changes.</source>
        <translation>本记录有未保存的修改。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>放弃修改</translation>
    </message>
    <message>
        <source>BranchLedger</source>
        <translation>支部台账</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Choose</source>
        <translation>选择</translation>
    </message>
</context>
<context>
    <name>DownloadMode</name>
    <message>
        <source>On demand: thumbnails first, a file when it is opened</source>
        <translation>按需下载：先下载缩略图，打开时再下载原文件</translation>
    </message>
    <message>
        <source>All files, for offline use</source>
        <translation>全部下载，供离线使用</translation>
    </message>
    <message>
        <source>On a slow link, on demand saves time; choose all files if this laptop must work without any connection</source>
        <translation>网络慢时按需下载更省时间；这台电脑需要在完全没有网络时使用，请选全部下载</translation>
    </message>
    <message>
        <source>A larger file is refused when it is attached</source>
        <translation>超过此大小的文件不能添加为附件</translation>
    </message>
</context>
<context>
    <name>EditorWindow</name>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save a new revision of this record (Ctrl+S)</source>
        <translation>保存本记录的新版本（Ctrl+S）</translation>
    </message>
    <message>
        <source>Finalize…</source>
        <translation>定稿…</translation>
    </message>
    <message>
        <source>Lock this record; later changes need an amendment</source>
        <translation>锁定本记录；之后的修改须通过更正记录</translation>
    </message>
    <message>
        <source>Amend…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <source>Write a correction of this finalized record</source>
        <translation>为这份已定稿记录写更正记录</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Preview, print or save this record as PDF (Ctrl+P)</source>
        <translation>打印预览、打印或另存为PDF（Ctrl+P）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Problems found by the branch rules; click one to go to its field</source>
        <translation>按支部工作规定发现的问题；点击可跳到对应内容</translation>
    </message>
    <message>
        <source>Sync conflict — resolve it on the Sync page</source>
        <translation>同步冲突——请在“同步”页面处理</translation>
    </message>
    <message>
        <source>Finalized</source>
        <translation>已定稿</translation>
    </message>
    <message>
        <source>New, not saved</source>
        <translation>新建，未保存</translation>
    </message>
    <message>
        <source>Draft, unsaved changes</source>
        <translation>草稿，有未保存的修改</translation>
    </message>
    <message>
        <source>Draft, saved</source>
        <translation>草稿，已保存</translation>
    </message>
    <message>
        <source>Amendment</source>
        <translation>更正记录</translation>
    </message>
    <message>
        <source>BranchLedger</source>
        <translation>支部台账</translation>
    </message>
    <message>
        <source>Draft kept safe (autosaved)</source>
        <translation>草稿已自动保存</translation>
    </message>
    <message>
        <source>Not saved: please correct the marked fields</source>
        <translation>未保存：请修改标出的内容</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>Finalize record</source>
        <translation>定稿</translation>
    </message>
    <message>
        <source>After finalizing, this record can no longer be changed; corrections are made as amendments. Finalize now?</source>
        <translation>定稿后本记录不能再修改，如需更正须另建更正记录。现在定稿吗？</translation>
    </message>
    <message>
        <source>Finalize</source>
        <translation>定稿</translation>
    </message>
    <message>
        <source>Not finalized: the record is incomplete</source>
        <translation>未定稿：记录不完整</translation>
    </message>
    <message>
        <source>Amend record</source>
        <translation>更正记录</translation>
    </message>
    <message>
        <source>Reason for the correction:</source>
        <translation>更正原因：</translation>
    </message>
    <message>
        <source>Save the record before printing it.</source>
        <translation>请先保存记录再打印。</translation>
    </message>
    <message>
        <source>Records of this kind have no printed form.</source>
        <translation>这类记录没有打印格式。</translation>
    </message>
</context>
<context>
    <name>EvaluationEditor</name>
    <message>
        <source>Post evaluation</source>
        <translation>先锋岗评价</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评价</translation>
    </message>
    <message>
        <source>Assessment group, 5–7 people</source>
        <translation>评议小组，5至7人</translation>
    </message>
    <message>
        <source>Post</source>
        <translation>先锋岗</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>党员</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>评价周期</translation>
    </message>
    <message>
        <source>2026, 2026-H1, 2026-Q2 or 2026-05</source>
        <translation>如 2026、2026-H1、2026-Q2 或 2026-05</translation>
    </message>
    <message>
        <source>Evaluated on</source>
        <translation>评价日期</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Stars</source>
        <translation>星级</translation>
    </message>
    <message>
        <source>Evaluators</source>
        <translation>评议人</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>评语</translation>
    </message>
</context>
<context>
    <name>Failures</name>
    <message>
        <source>Something unexpected went wrong. Nothing you entered was thrown away; please try again. If it happens again, tell head office.</source>
        <translation>程序出现了意外错误。您填写的内容没有丢失，请再试一次；如果再次出现，请告知上级党委。</translation>
    </message>
    <message>
        <source>Error report: {0}</source>
        <translation>错误报告：{0}</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Set up BranchLedger</source>
        <translation>设置支部台账</translation>
    </message>
    <message>
        <source>&lt; Back</source>
        <translation>&lt; 上一步</translation>
    </message>
    <message>
        <source>Next &gt;</source>
        <translation>下一步 &gt;</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Welcome to BranchLedger</source>
        <translation>欢迎使用支部台账</translation>
    </message>
    <message>
        <source>Your branch&apos;s records are kept encrypted on this computer and sent to head office when you sync.</source>
        <translation>支部的记录加密保存在本机，同步时发送给上级党委。</translation>
    </message>
    <message>
        <source>This takes a few minutes: you choose a passphrase, write down a recovery key, and enter the branch and its members.</source>
        <translation>只需几分钟：设置密码、抄写恢复密钥、填写支部信息和党员名册。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>e.g. 李组织</source>
        <translation>如：李组织</translation>
    </message>
    <message>
        <source>Recorded as the author of the records you write</source>
        <translation>作为您所写记录的记录人</translation>
    </message>
    <message>
        <source>Data directory</source>
        <translation>数据目录</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
    <message>
        <source>Choose where the data is kept.</source>
        <translation>请选择数据保存位置。</translation>
    </message>
    <message>
        <source>There is already a ledger in this directory. Choose another one.</source>
        <translation>该目录中已有台账，请选择其他目录。</translation>
    </message>
    <message>
        <source>Choose a passphrase</source>
        <translation>设置密码</translation>
    </message>
    <message>
        <source>You type it each time you open the ledger. Nobody — not even head office — can open your data without it or the recovery key.</source>
        <translation>每次打开台账都要输入密码。没有密码或恢复密钥，任何人（包括上级党委）都无法打开您的数据。</translation>
    </message>
    <message>
        <source>Creating the encrypted ledger…</source>
        <translation>正在创建加密台账…</translation>
    </message>
    <message>
        <source>Write down the recovery key</source>
        <translation>抄写恢复密钥</translation>
    </message>
    <message>
        <source>If the passphrase is forgotten, this key is the only way back into the data. It is shown only now.</source>
        <translation>忘记密码时，这是找回数据的唯一办法。恢复密钥只显示这一次。</translation>
    </message>
    <message>
        <source>Save to a file for printing…</source>
        <translation>保存到文件以便打印…</translation>
    </message>
    <message>
        <source>I have written down or printed the recovery key and will keep it safe</source>
        <translation>我已抄写或打印恢复密钥，并会妥善保管</translation>
    </message>
    <message>
        <source>Save the recovery key</source>
        <translation>保存恢复密钥</translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation>文本文件 (*.txt)</translation>
    </message>
    <message>
        <source>BranchLedger recovery key</source>
        <translation>支部台账恢复密钥</translation>
    </message>
    <message>
        <source>The file could not be written: {0}</source>
        <translation>无法写入文件：{0}</translation>
    </message>
    <message>
        <source>The branch</source>
        <translation>支部信息</translation>
    </message>
    <message>
        <source>e.g. 毕拉河林场党支部</source>
        <translation>如：毕拉河林场党支部</translation>
    </message>
    <message>
        <source>The branch has a committee (支委会)</source>
        <translation>本支部设有支部委员会</translation>
    </message>
    <message>
        <source>Party groups, separated by commas: 第一党小组，第二党小组</source>
        <translation>党小组，用逗号分隔：第一党小组，第二党小组</translation>
    </message>
    <message>
        <source>The 三会一课 requirements are checked from this day on; earlier meetings can still be entered afterwards (补录) and then count too</source>
        <translation>从这一天起检查“三会一课”等规定活动的完成情况；更早的会议仍可补录，补录后同样计入</translation>
    </message>
    <message>
        <source>Branch name</source>
        <translation>支部名称</translation>
    </message>
    <message>
        <source>Higher Party organisation</source>
        <translation>上级党组织</translation>
    </message>
    <message>
        <source>Party groups</source>
        <translation>党小组</translation>
    </message>
    <message>
        <source>Records kept from</source>
        <translation>台账起始日期</translation>
    </message>
    <message>
        <source>The members</source>
        <translation>党员名册</translation>
    </message>
    <message>
        <source>Type the members in, or import a CSV or Excel sheet with the columns 姓名, 性别, 党员类别, 入党日期, 党小组, 职务. You can add more later.</source>
        <translation>逐个录入党员，或导入表头为 姓名、性别、党员类别、入党日期、党小组、职务 的 CSV 或 Excel 表格。以后还可以继续添加。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Joined</source>
        <translation>入党日期</translation>
    </message>
    <message>
        <source>1988-03-15, 1988/3/15 or 1988年3月15日</source>
        <translation>可写 1988-03-15、1988/3/15 或 1988年3月15日</translation>
    </message>
    <message>
        <source>{0} is already in row {1}</source>
        <translation>“{0}”已在第 {1} 行</translation>
    </message>
    <message>
        <source>{0} is already on the roster</source>
        <translation>“{0}”已在名册中</translation>
    </message>
    <message>
        <source>Nothing was saved yet. Please correct the marked cells:</source>
        <translation>尚未保存任何党员。请改正标红的单元格：</translation>
    </message>
    <message>
        <source>Row {0}: {1}</source>
        <translation>第 {0} 行：{1}</translation>
    </message>
    <message>
        <source>Party group</source>
        <translation>党小组</translation>
    </message>
    <message>
        <source>Post</source>
        <translation>职务</translation>
    </message>
    <message>
        <source>支部书记, 组织委员 … become branch posts; anything else is the member&apos;s job</source>
        <translation>填“支部书记”“组织委员”等记为支部职务，填其他内容（如“护林员”）记为工作单位/职务</translation>
    </message>
    <message>
        <source>Add member</source>
        <translation>添加党员</translation>
    </message>
    <message>
        <source>Import from CSV / Excel…</source>
        <translation>从 CSV / Excel 导入…</translation>
    </message>
    <message>
        <source>Import roster</source>
        <translation>导入党员名册</translation>
    </message>
    <message>
        <source>{0} members imported from the file.</source>
        <translation>已从文件导入 {0} 名党员。</translation>
    </message>
</context>
<context>
    <name>MeetingEditor</name>
    <message>
        <source>Meeting record</source>
        <translation>会议记录</translation>
    </message>
    <message>
        <source>entered later (before the records began on {0})</source>
        <translation>补录（会议早于台账起始日期 {0}）</translation>
    </message>
    <message>
        <source>Sign-in sheet…</source>
        <translation>签到表…</translation>
    </message>
    <message>
        <source>Print the sign-in sheet to take to the meeting (save the record first)</source>
        <translation>打印签到表带到会上签到（请先保存记录）</translation>
    </message>
    <message>
        <source>Quorum: fill in the attendance</source>
        <translation>会议是否有效：请填写出席情况</translation>
    </message>
    <message>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <source>e.g. 2026年第二季度支部党员大会</source>
        <translation>如：2026年第二季度支部党员大会</translation>
    </message>
    <message>
        <source>(not on the roster)</source>
        <translation>（不在名册中）</translation>
    </message>
    <message>
        <source>Name, if not on the roster</source>
        <translation>不在名册中时填写姓名</translation>
    </message>
    <message>
        <source>Chaired on the secretary&apos;s entrustment</source>
        <translation>受支部书记委托主持</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Name or session of the meeting</source>
        <translation>会议名称或届次</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>形式</translation>
    </message>
    <message>
        <source>Elections and admissions should be held in person</source>
        <translation>选举和发展党员表决原则上应现场进行</translation>
    </message>
    <message>
        <source>Party group</source>
        <translation>党小组</translation>
    </message>
    <message>
        <source>Which Party group held this group meeting</source>
        <translation>召开本次党小组会的党小组</translation>
    </message>
    <message>
        <source>Chair</source>
        <translation>主持人</translation>
    </message>
    <message>
        <source>Recorder</source>
        <translation>记录人</translation>
    </message>
    <message>
        <source>Attendance</source>
        <translation>出席情况</translation>
    </message>
    <message>
        <source>Fill from roster</source>
        <translation>从名册载入</translation>
    </message>
    <message>
        <source>List every active member as present; then mark who was absent and why</source>
        <translation>将所有在册党员列为出席，再标出缺席人员及原因</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>党员</translation>
    </message>
    <message>
        <source>Reason for absence</source>
        <translation>缺席原因</translation>
    </message>
    <message>
        <source>Written opinion</source>
        <translation>书面意见</translation>
    </message>
    <message>
        <source>An absent voter who handed in a written opinion before the meeting</source>
        <translation>会前提交书面意见的缺席表决权人</translation>
    </message>
    <message>
        <source>Not counted because</source>
        <translation>不计入应到情形</translation>
    </message>
    <message>
        <source>Approval ref.</source>
        <translation>批准文号</translation>
    </message>
    <message>
        <source>Add member</source>
        <translation>添加党员</translation>
    </message>
    <message>
        <source>Attending without a vote (列席)</source>
        <translation>列席人员</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>身份</translation>
    </message>
    <message>
        <source>Add guest</source>
        <translation>添加列席人员</translation>
    </message>
    <message>
        <source>Agenda</source>
        <translation>会议议题</translation>
    </message>
    <message>
        <source>Agenda item</source>
        <translation>议题</translation>
    </message>
    <message>
        <source>Add item</source>
        <translation>添加一项</translation>
    </message>
    <message>
        <source>Speeches</source>
        <translation>发言记录</translation>
    </message>
    <message>
        <source>Pick the speaker from the roster; the name is filled in</source>
        <translation>从名册中选择发言人，姓名会自动填写</translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation>发言人</translation>
    </message>
    <message>
        <source>Type the name of a speaker who is not on the roster</source>
        <translation>不在名册中的发言人，直接填写姓名</translation>
    </message>
    <message>
        <source>Main points</source>
        <translation>发言要点</translation>
    </message>
    <message>
        <source>Add speech</source>
        <translation>添加发言</translation>
    </message>
    <message>
        <source>Minutes not split by speaker</source>
        <translation>不按发言人分列的会议记录</translation>
    </message>
    <message>
        <source>Discussion</source>
        <translation>会议内容</translation>
    </message>
    <message>
        <source>Votes</source>
        <translation>表决情况</translation>
    </message>
    <message>
        <source>Motion or candidate</source>
        <translation>表决事项或对象</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>表决方式</translation>
    </message>
    <message>
        <source>Candidate</source>
        <translation>表决对象</translation>
    </message>
    <message>
        <source>For an admission, full membership or election</source>
        <translation>用于接收预备党员、预备党员转正或选举</translation>
    </message>
    <message>
        <source>Entitled</source>
        <translation>应到</translation>
    </message>
    <message>
        <source>Leave empty to count from the attendance</source>
        <translation>留空则按出席情况自动计算</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>实到</translation>
    </message>
    <message>
        <source>Written</source>
        <translation>书面意见</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>赞成</translation>
    </message>
    <message>
        <source>No</source>
        <translation>反对</translation>
    </message>
    <message>
        <source>Abstain</source>
        <translation>弃权</translation>
    </message>
    <message>
        <source>Ballots issued</source>
        <translation>发出选票</translation>
    </message>
    <message>
        <source>Ballots returned</source>
        <translation>收回选票</translation>
    </message>
    <message>
        <source>Add vote</source>
        <translation>添加表决</translation>
    </message>
    <message>
        <source>Resolutions</source>
        <translation>决议</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>决议</translation>
    </message>
    <message>
        <source>Vote no.</source>
        <translation>表决序号</translation>
    </message>
    <message>
        <source>Number of the vote this resolution follows</source>
        <translation>本决议对应的表决序号</translation>
    </message>
    <message>
        <source>Add resolution</source>
        <translation>添加决议</translation>
    </message>
    <message>
        <source>Sign-in sheet, photos, lecture notes kept on paper</source>
        <translation>签到表、照片、讲稿等纸质材料</translation>
    </message>
    <message>
        <source>Open issues</source>
        <translation>遗留问题</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <source>No quorum is required for this kind of meeting.</source>
        <translation>这类会议没有到会人数要求。</translation>
    </message>
    <message>
        <source>Quorate: {0} of {1} voting members present (at least {2} needed).</source>
        <translation>会议有效：应到会有表决权 {1} 人，实到 {0} 人（至少须 {2} 人）。</translation>
    </message>
    <message>
        <source>Not quorate: {0} of {1} voting members present (at least {2} needed).</source>
        <translation>会议无效：应到会有表决权 {1} 人，实到 {0} 人（至少须 {2} 人）。</translation>
    </message>
    <message>
        <source>Add every active member</source>
        <translation>添加全部在册党员</translation>
    </message>
    <message>
        <source>A time alone (11:30) is on the day the meeting started</source>
        <translation>只写时间（如 11:30）即为会议开始当天</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Correction of a finalized record. Reason: {0}</source>
        <translation>这是对已定稿记录的更正。更正原因：{0}</translation>
    </message>
</context>
<context>
    <name>MeetingSections</name>
    <message>
        <source>Pay membership dues</source>
        <translation>交纳党费</translation>
    </message>
    <message>
        <source>Read the Party Constitution aloud</source>
        <translation>诵读党章</translation>
    </message>
    <message>
        <source>Wear the Party badge</source>
        <translation>佩戴党徽</translation>
    </message>
    <message>
        <source>Renew the admission oath</source>
        <translation>重温入党誓词</translation>
    </message>
    <message>
        <source>Party lecture</source>
        <translation>党课</translation>
    </message>
    <message>
        <source>(not on the roster)</source>
        <translation>（不在名册中）</translation>
    </message>
    <message>
        <source>Name, if not on the roster</source>
        <translation>不在名册中时填写姓名</translation>
    </message>
    <message>
        <source>Integrity lecture (廉政党课)</source>
        <translation>廉政党课</translation>
    </message>
    <message>
        <source>Lecturer</source>
        <translation>授课人</translation>
    </message>
    <message>
        <source>Lecturer&apos;s post</source>
        <translation>授课人职务</translation>
    </message>
    <message>
        <source>For example 支部书记; a lecture by the secretary counts towards the yearly requirement</source>
        <translation>如“支部书记”；书记讲党课计入每年的要求</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>题目</translation>
    </message>
    <message>
        <source>Study hours</source>
        <translation>学时</translation>
    </message>
    <message>
        <source>1 study hour per hour, 4 per half day</source>
        <translation>每小时计1学时，半天计4学时</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>形式</translation>
    </message>
    <message>
        <source>Theme day</source>
        <translation>主题党日</translation>
    </message>
    <message>
        <source>Counts for month</source>
        <translation>所属月份</translation>
    </message>
    <message>
        <source>YYYY-MM; a theme day moved by a holiday still counts for its own month</source>
        <translation>年-月；因节假日调整日期的主题党日仍计入原月份</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Required items</source>
        <translation>规定动作</translation>
    </message>
    <message>
        <source>Optional items</source>
        <translation>自选动作</translation>
    </message>
    <message>
        <source>Dues paid by (people)</source>
        <translation>交纳党费人数</translation>
    </message>
    <message>
        <source>Dues collected (yuan)</source>
        <translation>收缴党费（元）</translation>
    </message>
    <message>
        <source>Follow-up of decisions</source>
        <translation>议定事项落实情况</translation>
    </message>
    <message>
        <source>Democratic appraisal grades</source>
        <translation>民主评议等次</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>党员</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等次</translation>
    </message>
    <message>
        <source>Leave empty for probationary members; at most one third may be Excellent</source>
        <translation>预备党员不评等次；优秀一般不超过三分之一</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>评语</translation>
    </message>
    <message>
        <source>Add member</source>
        <translation>添加党员</translation>
    </message>
    <message>
        <source>Rectification list</source>
        <translation>整改清单</translation>
    </message>
    <message>
        <source>Item to put right</source>
        <translation>整改事项</translation>
    </message>
    <message>
        <source>Add item</source>
        <translation>添加一项</translation>
    </message>
</context>
<context>
    <name>MeetingsPage</name>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>Show one kind of meeting</source>
        <translation>只显示一种会议</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>From date (empty: no limit)</source>
        <translation>开始日期（空：不限）</translation>
    </message>
    <message>
        <source>To date (empty: no limit)</source>
        <translation>结束日期（空：不限）</translation>
    </message>
    <message>
        <source>New meeting record</source>
        <translation>新建会议记录</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Ctrl+N 新建</translation>
    </message>
    <message>
        <source>New from selected</source>
        <translation>照此新建</translation>
    </message>
    <message>
        <source>Start a new record like the selected meeting (last month&apos;s committee meeting, say): same people, place and agenda, dated today</source>
        <translation>以选中的会议（例如上个月的支委会）为样板新建记录：人员、地点、议题相同，日期为今天</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Print the selected meeting, its sign-in sheet, or the ledger</source>
        <translation>打印选中的会议记录、签到表或台账</translation>
    </message>
    <message>
        <source>Minutes of the selected meeting…</source>
        <translation>选中会议的会议记录…</translation>
    </message>
    <message>
        <source>Sign-in sheet for the selected meeting…</source>
        <translation>选中会议的签到表…</translation>
    </message>
    <message>
        <source>Branch ledger for a period…</source>
        <translation>某一期间的台账…</translation>
    </message>
    <message>
        <source>From</source>
        <translation>起</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>{0} records</source>
        <translation>共 {0} 条记录</translation>
    </message>
    <message>
        <source>Select a meeting in the list first.</source>
        <translation>请先在列表中选择一次会议。</translation>
    </message>
</context>
<context>
    <name>MemberEditor</name>
    <message>
        <source>Member</source>
        <translation>党员</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Probationary members have no vote, no election rights and are not graded</source>
        <translation>预备党员没有表决权、选举权和被选举权，民主评议不评等次</translation>
    </message>
    <message>
        <source>Joined the Party</source>
        <translation>入党日期</translation>
    </message>
    <message>
        <source>The date of the branch meeting that admitted the member</source>
        <translation>支部大会通过接收的日期</translation>
    </message>
    <message>
        <source>Became full member</source>
        <translation>转正日期</translation>
    </message>
    <message>
        <source>Party group</source>
        <translation>党小组</translation>
    </message>
    <message>
        <source>Post / unit</source>
        <translation>职务/单位</translation>
    </message>
    <message>
        <source>Printed on sign-in sheets</source>
        <translation>打印在签到表上</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Branch posts</source>
        <translation>支部职务</translation>
    </message>
    <message>
        <source>Leading cadre (dual organisational life)</source>
        <translation>领导干部（双重组织生活）</translation>
    </message>
    <message>
        <source>Standing</source>
        <translation>组织关系</translation>
    </message>
    <message>
        <source>Rights suspended</source>
        <translation>权利暂停情形</translation>
    </message>
    <message>
        <source>Suspended until</source>
        <translation>暂停截止日期</translation>
    </message>
    <message>
        <source>Membership</source>
        <translation>组织关系状态</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>变更日期</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>MembersPage</name>
    <message>
        <source>Find a member… (Ctrl+F)</source>
        <translation>查找党员…（Ctrl+F）</translation>
    </message>
    <message>
        <source>New member</source>
        <translation>新增党员</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Ctrl+N 新建</translation>
    </message>
    <message>
        <source>Import roster…</source>
        <translation>导入名册…</translation>
    </message>
    <message>
        <source>Columns 姓名, 性别, 党员类别, 入党日期, 党小组, 职务</source>
        <translation>表头：姓名、性别、党员类别、入党日期、党小组、职务</translation>
    </message>
    <message>
        <source>{0} members</source>
        <translation>共 {0} 名党员</translation>
    </message>
    <message>
        <source>Import roster</source>
        <translation>导入党员名册</translation>
    </message>
    <message>
        <source>{0} members imported.</source>
        <translation>已导入 {0} 名党员。</translation>
    </message>
</context>
<context>
    <name>NoticeAck</name>
    <message>
        <source>Confirm read</source>
        <translation>确认已读</translation>
    </message>
    <message>
        <source>Head office asks branches to acknowledge this notice.</source>
        <translation>总部要求各支部确认已读此通知。</translation>
    </message>
    <message>
        <source>Read, confirmed by {0} on {1}; head office sees it after the next sync.</source>
        <translation>已读：由{0}于{1}确认；下次同步后总部即可看到。</translation>
    </message>
</context>
<context>
    <name>NoticeView</name>
    <message>
        <source>Notice from head office</source>
        <translation>上级党委通知</translation>
    </message>
    <message>
        <source>Issued by {0} on {1}</source>
        <translation>{0} 于 {1} 发布</translation>
    </message>
</context>
<context>
    <name>OpenNotices</name>
    <message>
        <source>The database log could not be read back completely: about {0} recent saves are missing. The log was kept unchanged in {1}. The next sync fetches everything head office has again.</source>
        <translation>数据库日志未能完整读回：最近约 {0} 次保存缺失。原日志已原样保存在 {1}。下次同步时将从上级党委重新下载全部记录。</translation>
    </message>
</context>
<context>
    <name>OverviewPage</name>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>due</source>
        <translation>待完成</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>逾期未完成</translation>
    </message>
    <message>
        <source>not yet due</source>
        <translation>未到期</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Required activity</source>
        <translation>规定活动</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>This quarter</source>
        <translation>本季度</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>本年度</translation>
    </message>
    <message>
        <source>党章 第九条: six months without organisational life means leaving the Party</source>
        <translation>党章第九条：连续六个月不参加党的组织生活，被认为是自行脱党</translation>
    </message>
    <message>
        <source>Notices head office sent to this branch; double-click to read</source>
        <translation>上级党委发给本支部的通知，双击阅读</translation>
    </message>
    <message>
        <source>Lacking the evidence head office requires (not counted):</source>
        <translation>缺少上级党委要求的佐证材料（不计入）：</translation>
    </message>
    <message>
        <source>Required activities</source>
        <translation>规定活动完成情况</translation>
    </message>
    <message>
        <source>Recent records</source>
        <translation>最近记录</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Notices from head office</source>
        <translation>上级党委通知</translation>
    </message>
    <message>
        <source>No organisational life for 5 months or more</source>
        <translation>连续5个月以上未参加组织生活</translation>
    </message>
    <message>
        <source>Print ledger…</source>
        <translation>打印台账…</translation>
    </message>
    <message>
        <source>Print the branch ledger (台账) of a month, quarter or year</source>
        <translation>打印某月、某季度或某年的支部台账</translation>
    </message>
    <message>
        <source>The overview could not be computed: {0}</source>
        <translation>无法生成概览：{0}</translation>
    </message>
    <message>
        <source>(branch name not set)</source>
        <translation>（未填写支部名称）</translation>
    </message>
    <message>
        <source>{0} changes waiting to be sent to head office</source>
        <translation>{0} 条修改待发送到上级党委</translation>
    </message>
    <message>
        <source>{0} records in conflict — open the Sync page</source>
        <translation>{0} 条记录存在同步冲突——请打开“同步”页面</translation>
    </message>
    <message>
        <source>Last sync: {0}</source>
        <translation>最近同步：{0}</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>{0} of {1} periods done ({2} meetings)</source>
        <translation>{1} 个期间中已完成 {0} 个（共 {2} 次会议）</translation>
    </message>
    <message>
        <source>Due by {0}</source>
        <translation>应于 {0} 前完成</translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <source>Search the full text… (Ctrl+F)</source>
        <translation>全文搜索…（Ctrl+F）</translation>
    </message>
</context>
<context>
    <name>PassphraseFields</name>
    <message>
        <source>At least {0} characters; a short sentence is easier to remember</source>
        <translation>至少 {0} 个字符；用一句短语更容易记住</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Repeat it</source>
        <translation>再次输入</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>强度</translation>
    </message>
    <message>
        <source>The passphrase needs at least {0} characters.</source>
        <translation>密码至少需要 {0} 个字符。</translation>
    </message>
    <message>
        <source>The two passphrases are not the same.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>Choose a passphrase only you know. It cannot be recovered without the recovery key.</source>
        <translation>请设置只有您知道的密码。忘记密码后只能用恢复密钥找回。</translation>
    </message>
    <message>
        <source>Weak: easy to guess. Use a longer phrase.</source>
        <translation>弱：容易被猜到，请使用更长的短语。</translation>
    </message>
    <message>
        <source>Fair. A few more words would make it strong.</source>
        <translation>一般。再加几个字会更安全。</translation>
    </message>
    <message>
        <source>Strong.</source>
        <translation>强。</translation>
    </message>
</context>
<context>
    <name>PeriodPicker</name>
    <message>
        <source>Whole history</source>
        <translation>全部记录</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Quarter</source>
        <translation>季度</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年</translation>
    </message>
    <message>
        <source> (year)</source>
        <translation> 年</translation>
    </message>
    <message>
        <source>Month {0}</source>
        <translation>{0}月</translation>
    </message>
    <message>
        <source>Quarter {0}</source>
        <translation>第{0}季度</translation>
    </message>
</context>
<context>
    <name>PostEditor</name>
    <message>
        <source>Pioneer post</source>
        <translation>党员先锋岗</translation>
    </message>
    <message>
        <source>Area, section or equipment the post answers for</source>
        <translation>岗位负责的区域、工段或设备</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>岗位名称</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>责任范围</translation>
    </message>
    <message>
        <source>From</source>
        <translation>起</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>止</translation>
    </message>
    <message>
        <source>Plaque</source>
        <translation>挂牌状态</translation>
    </message>
    <message>
        <source>Holders</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Tick the members who hold this post</source>
        <translation>勾选担任本岗位的党员</translation>
    </message>
    <message>
        <source>Duties and tasks</source>
        <translation>岗位职责与任务</translation>
    </message>
    <message>
        <source>Duty</source>
        <translation>职责</translation>
    </message>
    <message>
        <source>Add duty</source>
        <translation>添加职责</translation>
    </message>
    <message>
        <source>Annual task</source>
        <translation>年度任务</translation>
    </message>
    <message>
        <source>Add task</source>
        <translation>添加任务</translation>
    </message>
    <message>
        <source>Pledges</source>
        <translation>承诺事项</translation>
    </message>
    <message>
        <source>Pledge</source>
        <translation>承诺内容</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>完成时限</translation>
    </message>
    <message>
        <source>2026-12-31, 2026/12/31 or 2026年12月31日</source>
        <translation>可写 2026-12-31、2026/12/31 或 2026年12月31日</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Fulfilled</source>
        <translation>已兑现</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Add pledge</source>
        <translation>添加承诺</translation>
    </message>
    <message>
        <source> (not on the active roster)</source>
        <translation>（已不在在册党员中）</translation>
    </message>
</context>
<context>
    <name>PostLogEditor</name>
    <message>
        <source>Post log entry</source>
        <translation>履岗记录</translation>
    </message>
    <message>
        <source>Work done at the post</source>
        <translation>履岗情况</translation>
    </message>
    <message>
        <source>Post</source>
        <translation>先锋岗</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>党员</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>时长（小时）</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Work done</source>
        <translation>工作内容</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>成效</translation>
    </message>
</context>
<context>
    <name>PostsPage</name>
    <message>
        <source>New post</source>
        <translation>新建先锋岗</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Ctrl+N 新建</translation>
    </message>
    <message>
        <source>Print report…</source>
        <translation>打印报告…</translation>
    </message>
    <message>
        <source>Print the selected post&apos;s report: pledges, work log, evaluations (Ctrl+P)</source>
        <translation>打印选中先锋岗的报告：承诺、工作记录、评议（Ctrl+P）</translation>
    </message>
    <message>
        <source>New log entry</source>
        <translation>新建履岗记录</translation>
    </message>
    <message>
        <source>New evaluation</source>
        <translation>新建评价</translation>
    </message>
    <message>
        <source>Select a post to see its work log and evaluations</source>
        <translation>选择一个先锋岗，查看其履岗记录和评价</translation>
    </message>
    <message>
        <source>Work log</source>
        <translation>履岗记录</translation>
    </message>
    <message>
        <source>Evaluations</source>
        <translation>评价记录</translation>
    </message>
    <message>
        <source>{0}: {1} log entries, {2} evaluations</source>
        <translation>{0}：履岗记录 {1} 条，评价 {2} 条</translation>
    </message>
</context>
<context>
    <name>PrintDialog</name>
    <message>
        <source>Meeting minutes</source>
        <translation>会议记录</translation>
    </message>
    <message>
        <source>Sign-in sheet</source>
        <translation>签到表</translation>
    </message>
    <message>
        <source>Branch ledger</source>
        <translation>支部台账</translation>
    </message>
    <message>
        <source>Pioneer post report</source>
        <translation>先锋岗报告</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Print the signed sheet&apos;s scan instead of the blank sheet, if attached</source>
        <translation>有签到表扫描件时，打印扫描件代替空白签到表</translation>
    </message>
    <message>
        <source>Append the attachments (photos, sign-in sheet scans, PDF pages)</source>
        <translation>附上附件（活动照片、签到表扫描件、PDF 页面）</translation>
    </message>
    <message>
        <source>Preview…</source>
        <translation>打印预览…</translation>
    </message>
    <message>
        <source>See the pages as they will be printed</source>
        <translation>查看打印出来的样子</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Choose a printer and print</source>
        <translation>选择打印机并打印</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>另存为PDF…</translation>
    </message>
    <message>
        <source>Save the document as a PDF file</source>
        <translation>把文档保存为PDF文件</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>Preparing the document…</source>
        <translation>正在生成文档…</translation>
    </message>
    <message>
        <source>{0} pages</source>
        <translation>共{0}页</translation>
    </message>
    <message>
        <source>The printing fonts have no glyph for these characters; they print as 〓: {0}
Write them in by hand on the paper, or use a common form of the character.</source>
        <translation>打印字体中没有以下字符，打印出来会显示为〓：{0}
请在纸面上手写补上，或改用常用字形。</translation>
    </message>
    <message>
        <source>The document could not be made: {0}</source>
        <translation>无法生成文档：{0}</translation>
    </message>
    <message>
        <source>Sent {0} pages to the printer.</source>
        <translation>已将{0}页发送到打印机。</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>另存为PDF</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Saved {0} pages to {1}</source>
        <translation>已保存{0}页：{1}</translation>
    </message>
    <message>
        <source>Saving the PDF…</source>
        <translation>正在保存PDF…</translation>
    </message>
    <message>
        <source>Include the full minutes of each meeting</source>
        <translation>附每次会议的完整会议记录</translation>
    </message>
    <message>
        <source>Print the branch ledger</source>
        <translation>打印支部台账</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>The printer could not be opened.</source>
        <translation>无法打开打印机。</translation>
    </message>
    <message>
        <source>The printer refused to start a new page.</source>
        <translation>打印机无法开始新的一页。</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>%1 File</source>
        <translation>%1 文件</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>快捷方式</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>RecordColumns</name>
    <message>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Not synced</source>
        <translation>未同步</translation>
    </message>
    <message>
        <source>Synced</source>
        <translation>已同步</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Party group</source>
        <translation>党小组</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>entered later</source>
        <translation>补录</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Joined</source>
        <translation>入党日期</translation>
    </message>
    <message>
        <source>Post</source>
        <translation>先锋岗</translation>
    </message>
    <message>
        <source>From</source>
        <translation>起</translation>
    </message>
    <message>
        <source>Work done</source>
        <translation>工作内容</translation>
    </message>
    <message>
        <source>Evaluated on</source>
        <translation>评价日期</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评价</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>发布日期</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>通知</translation>
    </message>
</context>
<context>
    <name>RecordKind</name>
    <message>
        <source>Meeting</source>
        <translation>会议记录</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>党员</translation>
    </message>
    <message>
        <source>Pioneer post</source>
        <translation>党员先锋岗</translation>
    </message>
    <message>
        <source>Post log</source>
        <translation>履岗记录</translation>
    </message>
    <message>
        <source>Post evaluation</source>
        <translation>先锋岗评价</translation>
    </message>
    <message>
        <source>Branch profile</source>
        <translation>支部信息</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Head office review</source>
        <translation>总部审核</translation>
    </message>
    <message>
        <source>Notice receipt</source>
        <translation>通知回执</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyDialog</name>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <source>This is the new recovery key. The old one no longer works.</source>
        <translation>这是新的恢复密钥，旧的恢复密钥已不能使用。</translation>
    </message>
    <message>
        <source>This ledger&apos;s recovery key was never confirmed. Write it down now.</source>
        <translation>此台账的恢复密钥还没有确认抄下，请现在抄写或打印。</translation>
    </message>
    <message>
        <source>Save to a file for printing…</source>
        <translation>保存为文件以便打印…</translation>
    </message>
    <message>
        <source>I have written down or printed the recovery key and will keep it safe</source>
        <translation>我已抄写或打印恢复密钥，并会妥善保管</translation>
    </message>
    <message>
        <source>Save the recovery key</source>
        <translation>保存恢复密钥</translation>
    </message>
    <message>
        <source>BranchLedger recovery key</source>
        <translation>支部台账恢复密钥</translation>
    </message>
    <message>
        <source>Current passphrase</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在核对…</translation>
    </message>
    <message>
        <source>That passphrase is not correct.</source>
        <translation>密码不正确。</translation>
    </message>
    <message>
        <source>Issue a new recovery key</source>
        <translation>重新生成恢复密钥</translation>
    </message>
    <message>
        <source>A new recovery key replaces the old one, which stops working. Enter the current passphrase.</source>
        <translation>新的恢复密钥将取代旧的，旧的恢复密钥随即失效。请输入当前密码。</translation>
    </message>
    <message>
        <source>Issue a new key</source>
        <translation>生成新密钥</translation>
    </message>
</context>
<context>
    <name>RefusedPanel</name>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>{0} entries</source>
        <translation>{0} 项</translation>
    </message>
    <message>
        <source>File as an amendment</source>
        <translation>作为更正提交</translation>
    </message>
    <message>
        <source>&quot;{0}&quot; was finalized on another device before this edit reached head office. Filing the edit as an amendment (更正) keeps the final version and adds a correction that points to it.</source>
        <translation>“{0}”在这条修改送达上级党委之前已在另一台电脑上定稿。作为更正提交后，定稿版本保持不变，另建一条指向它的更正记录。</translation>
    </message>
    <message>
        <source>Reason for the amendment</source>
        <translation>更正原因</translation>
    </message>
    <message>
        <source>File as amendment</source>
        <translation>提交更正</translation>
    </message>
    <message>
        <source>Changes that did not reach head office</source>
        <translation>未能送达上级党委的修改</translation>
    </message>
    <message>
        <source>File as amendment…</source>
        <translation>作为更正提交…</translation>
    </message>
    <message>
        <source>Apply again</source>
        <translation>重新应用</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <source>Do not show again</source>
        <translation>不再显示</translation>
    </message>
    <message>
        <source>Nothing here was discarded: select a change to see its text.</source>
        <translation>这里的内容都没有丢弃：选中一条可查看修改的内容。</translation>
    </message>
    <message>
        <source>Not accepted from head office: {0}: {1}</source>
        <translation>未接收的上级党委数据：{0}：{1}</translation>
    </message>
    <message>
        <source>Saved by {0} at {1}. Where this edit differs from the current version:</source>
        <translation>由 {0} 于 {1} 保存。与当前版本的不同之处：</translation>
    </message>
    <message>
        <source>current version: {0}</source>
        <translation>当前版本：{0}</translation>
    </message>
    <message>
        <source>(no difference in the text)</source>
        <translation>（内容没有差别）</translation>
    </message>
</context>
<context>
    <name>RejectedList</name>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Head office&apos;s reason</source>
        <translation>上级党委说明的原因</translation>
    </message>
</context>
<context>
    <name>RestoreFlow</name>
    <message>
        <source>Restoring the backup of {0}…</source>
        <translation>正在恢复 {0} 的备份…</translation>
    </message>
</context>
<context>
    <name>ReturnedPanel</name>
    <message>
        <source>Double-click to open the record and write a correction</source>
        <translation>双击打开记录并填写更正</translation>
    </message>
    <message>
        <source>corrected, waiting for head office</source>
        <translation>已更正，待总部审核</translation>
    </message>
    <message>
        <source>to correct</source>
        <translation>待更正</translation>
    </message>
    <message>
        <source>{0} · {1}
Head office ({2}, {3}): {4}</source>
        <translation>{0} · {1}
总部（{2}，{3}）：{4}</translation>
    </message>
    <message>
        <source>Returned by head office for correction</source>
        <translation>总部退回修改的记录</translation>
    </message>
    <message>
        <source>{0} to correct</source>
        <translation>{0} 条待更正</translation>
    </message>
</context>
<context>
    <name>ReviewBanner</name>
    <message>
        <source>Correct (amend)…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <source>Open the correction</source>
        <translation>打开更正记录</translation>
    </message>
    <message>
        <source>Head office review</source>
        <translation>总部审核</translation>
    </message>
    <message>
        <source>Returned by head office for correction ({0}, {1}): {2}</source>
        <translation>总部退回修改（{0}，{1}）：{2}</translation>
    </message>
    <message>
        <source>A correction has been written; head office will review it.</source>
        <translation>已填写更正记录，待总部审核。</translation>
    </message>
    <message>
        <source>Reviewed by head office ({0}, {1})</source>
        <translation>总部已审核（{0}，{1}）</translation>
    </message>
</context>
<context>
    <name>RosterImport</name>
    <message>
        <source>CSV or Excel sheets (*.csv *.xlsx)</source>
        <translation>CSV 或 Excel 表格 (*.csv *.xlsx)</translation>
    </message>
    <message>
        <source>the file or folder does not exist</source>
        <translation>文件或文件夹不存在</translation>
    </message>
    <message>
        <source>no permission to use this file</source>
        <translation>没有使用这个文件的权限</translation>
    </message>
    <message>
        <source>this is a folder, not a file</source>
        <translation>这是一个文件夹，不是文件</translation>
    </message>
    <message>
        <source>the disk reported an error (it may be full or removed)</source>
        <translation>磁盘出错（可能已满或已被拔出）</translation>
    </message>
    <message>
        <source>Importing the roster…</source>
        <translation>正在导入党员名册…</translation>
    </message>
    <message>
        <source>Nothing was imported. Please correct the file:</source>
        <translation>未导入任何记录。请修改文件：</translation>
    </message>
</context>
<context>
    <name>RowTable</name>
    <message>
        <source>Add row</source>
        <translation>添加一行</translation>
    </message>
    <message>
        <source>Remove row</source>
        <translation>删除一行</translation>
    </message>
</context>
<context>
    <name>SalvageDialog</name>
    <message>
        <source>Salvage the data</source>
        <translation>抢救数据</translation>
    </message>
    <message>
        <source>Looking for the damaged files and the backups…</source>
        <translation>正在查找损坏的文件和备份…</translation>
    </message>
    <message>
        <source>Restore the selected backup</source>
        <translation>恢复所选备份</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Export the readable records</source>
        <translation>导出可读取的记录</translation>
    </message>
    <message>
        <source>Start empty and download from head office</source>
        <translation>新建空台账并从上级党委重新下载</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>1. Restore a backup (changes made after it that reached head office come back with the next sync):</source>
        <translation>1. 从备份恢复（备份之后已送达上级党委的修改，会在下次同步时重新下载）：</translation>
    </message>
    <message>
        <source>2. Export the records that can still be read, to keep them or to import what is missing after a restore:</source>
        <translation>2. 导出仍可读取的记录，留作备查，或在恢复后导入缺少的记录：</translation>
    </message>
    <message>
        <source>3. Without a backup: start with an empty ledger (same passphrase); the next sync downloads the branch again.</source>
        <translation>3. 没有备份时：新建空台账（密码不变），下次同步时重新下载本支部的全部记录。</translation>
    </message>
    <message>
        <source>The damaged files were moved, unchanged, to {0}.</source>
        <translation>损坏的文件已原样移到 {0}。</translation>
    </message>
    <message>
        <source>No damaged files were kept aside.</source>
        <translation>没有找到移到一旁的损坏文件。</translation>
    </message>
    <message>
        <source>Enter the passphrase first.</source>
        <translation>请先输入密码。</translation>
    </message>
    <message>
        <source>{0} readable records were exported to {1}.</source>
        <translation>已将 {0} 条可读取的记录导出到 {1}。</translation>
    </message>
    <message>
        <source>{0} could not be read.</source>
        <translation>{0} 条无法读取。</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Lock the ledger after this many minutes without keyboard or mouse</source>
        <translation>键盘鼠标无操作超过该时间后自动锁定台账</translation>
    </message>
    <message>
        <source>Recorded in each record&apos;s history as its author</source>
        <translation>记入每条记录的修改历史</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Auto-lock after</source>
        <translation>自动锁定时间</translation>
    </message>
    <message>
        <source>Clerk&apos;s name</source>
        <translation>记录人姓名</translation>
    </message>
    <message>
        <source>Data directory</source>
        <translation>数据目录</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>支部</translation>
    </message>
    <message>
        <source>Edit branch profile…</source>
        <translation>编辑支部信息…</translation>
    </message>
    <message>
        <source>Head office</source>
        <translation>上级党委</translation>
    </message>
    <message>
        <source>Sync automatically</source>
        <translation>自动同步</translation>
    </message>
    <message>
        <source>Sync on a schedule, and as soon as head office can be reached again</source>
        <translation>定时同步，并在能连上上级党委时立即同步</translation>
    </message>
    <message>
        <source>Empty: the system&apos;s certificates</source>
        <translation>留空：使用系统证书</translation>
    </message>
    <message>
        <source>Head office&apos;s own CA certificate (PEM file), if it does not use a public CA</source>
        <translation>上级党委自建的CA证书（PEM文件），上级党委未使用公共CA时填写</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Sync every</source>
        <translation>同步间隔</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>CA证书</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>附件下载</translation>
    </message>
    <message>
        <source>Largest attachment</source>
        <translation>单个附件上限</translation>
    </message>
    <message>
        <source>Change passphrase</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>Current passphrase</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <source>Issue a new recovery key…</source>
        <translation>重新生成恢复密钥…</translation>
    </message>
    <message>
        <source>The new language is used after the program restarts.</source>
        <translation>重新启动程序后使用新的语言。</translation>
    </message>
    <message>
        <source>Head office&apos;s CA certificate</source>
        <translation>上级党委的CA证书</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The passphrase was changed.</source>
        <translation>密码已修改。</translation>
    </message>
</context>
<context>
    <name>ShellWindow</name>
    <message>
        <source>BranchLedger</source>
        <translation>支部台账</translation>
    </message>
    <message>
        <source>&amp;Ledger</source>
        <translation>台账(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;New record</source>
        <translation>新建记录(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>打印(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>锁定(&amp;L)</translation>
    </message>
    <message>
        <source>Close the database now; the passphrase is needed to continue</source>
        <translation>立即关闭数据库；继续使用需要输入密码</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About BranchLedger</source>
        <translation>关于支部台账(&amp;A)</translation>
    </message>
    <message>
        <source>Setting up</source>
        <translation>正在设置</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Unlocked</source>
        <translation>已解锁</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Send this device&apos;s changes to head office and fetch theirs</source>
        <translation>把本机的修改发送到上级党委，并取回上级的更新</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Connect to head office</source>
        <translation>连接上级党委</translation>
    </message>
    <message>
        <source>One-time code from head office</source>
        <translation>上级党委发放的一次性登记码</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>CA证书</translation>
    </message>
    <message>
        <source>Compare and resolve…</source>
        <translation>对照并解决…</translation>
    </message>
    <message>
        <source>Records edited on two devices at once. Nothing was discarded: open one to compare the versions and choose what to keep.</source>
        <translation>这些记录同时在两台设备上被修改。所有内容都已保留：打开一条，对照各版本并选择保留的内容。</translation>
    </message>
    <message>
        <source>This session</source>
        <translation>本次运行</translation>
    </message>
    <message>
        <source>Enrol this device</source>
        <translation>登记本机</translation>
    </message>
    <message>
        <source>Head office address</source>
        <translation>上级党委服务器地址</translation>
    </message>
    <message>
        <source>Enrolment code</source>
        <translation>登记码</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>同步冲突</translation>
    </message>
    <message>
        <source>Connected to {0} as branch {1}</source>
        <translation>已连接 {0}，支部：{1}</translation>
    </message>
    <message>
        <source>This device is not enrolled with head office yet.</source>
        <translation>本机尚未在上级党委登记。</translation>
    </message>
    <message>
        <source>Last successful sync: {0}</source>
        <translation>上次成功同步：{0}</translation>
    </message>
    <message>
        <source>{0} changes waiting to be sent</source>
        <translation>{0} 条修改待发送</translation>
    </message>
    <message>
        <source>{0} changes refused by head office (see below)</source>
        <translation>{0} 项修改被上级党委拒收（见下方）</translation>
    </message>
    <message>
        <source>{0} records in conflict</source>
        <translation>{0} 条记录存在冲突</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>The sync state could not be read: {0}</source>
        <translation>无法读取同步状态：{0}</translation>
    </message>
    <message>
        <source>{0} changes could not be synced (see below)</source>
        <translation>{0} 条修改无法同步（见下方）</translation>
    </message>
    <message>
        <source>Last error: {0}</source>
        <translation>最近一次错误：{0}</translation>
    </message>
    <message>
        <source>The system&apos;s certificates (another CA can be chosen in Settings)</source>
        <translation>使用系统证书（可在“设置”中指定其他CA证书）</translation>
    </message>
    <message>
        <source>Automatic sync is off (Settings).</source>
        <translation>自动同步已关闭（见“设置”）。</translation>
    </message>
    <message>
        <source>Head office is unreachable; checking again in {0} s.</source>
        <translation>暂时连不上上级党委，{0} 秒后再试。</translation>
    </message>
    <message>
        <source>Syncs automatically every {0} minutes and when head office is reachable.</source>
        <translation>每 {0} 分钟自动同步一次，连上上级党委时也会自动同步。</translation>
    </message>
    <message>
        <source>Enter head office&apos;s address and the enrolment code.</source>
        <translation>请输入上级党委服务器地址和登记码。</translation>
    </message>
    <message>
        <source>Enrolling with {0}…</source>
        <translation>正在向 {0} 登记…</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <source>Page {0}: sent {1}, received {2}</source>
        <translation>第 {0} 批：已发送 {1}，已接收 {2}</translation>
    </message>
    <message>
        <source>Synced: sent {0}, received {1}, new conflicts {2}</source>
        <translation>同步完成：发送 {0}，接收 {1}，新冲突 {2}</translation>
    </message>
    <message>
        <source>Attachments not sent: {0}</source>
        <translation>附件未上传完：{0}</translation>
    </message>
    <message>
        <source>Sync failed: {0}</source>
        <translation>同步失败：{0}</translation>
    </message>
    <message>
        <source>Enrolled as branch {0}</source>
        <translation>已登记为支部：{0}</translation>
    </message>
    <message>
        <source>Enrolment failed: {0}</source>
        <translation>登记失败：{0}</translation>
    </message>
</context>
<context>
    <name>UnlockScreen</name>
    <message>
        <source>Wrong passphrase. Please check the keyboard layout and Caps Lock, and try again.</source>
        <translation>密码不正确。请检查输入法和大写锁定键后重试。</translation>
    </message>
    <message>
        <source>That recovery key is not correct.</source>
        <translation>恢复密钥不正确。</translation>
    </message>
    <message>
        <source>No ledger was found in the data directory.</source>
        <translation>数据目录中没有找到台账。</translation>
    </message>
    <message>
        <source>The data file is damaged. It was moved aside unchanged; use &quot;Salvage the data…&quot; below.</source>
        <translation>数据文件已损坏，已原样移到一旁。请点击下方的“抢救数据…”。</translation>
    </message>
    <message>
        <source>The data file is damaged or is not a BranchLedger file. Nothing was changed.</source>
        <translation>数据文件已损坏或不是本程序的数据文件，原文件未做任何修改。</translation>
    </message>
    <message>
        <source>BranchLedger is locked</source>
        <translation>支部台账已锁定</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Forgot the passphrase? Use the recovery key…</source>
        <translation>忘记密码？使用恢复密钥…</translation>
    </message>
    <message>
        <source>Salvage the data…</source>
        <translation>抢救数据…</translation>
    </message>
    <message>
        <source>Enter the passphrase.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <source>Unlocking…</source>
        <translation>正在解锁…</translation>
    </message>
    <message>
        <source>Wrong passphrase. You can try again now.</source>
        <translation>密码不正确。现在可以重试。</translation>
    </message>
    <message>
        <source>Wait {0} s</source>
        <translation>请等待 {0} 秒</translation>
    </message>
    <message>
        <source>Wrong passphrase entered {0} times. Please wait {1} seconds.</source>
        <translation>已连续 {0} 次输错密码，请等待 {1} 秒。</translation>
    </message>
    <message>
        <source>Unlock with the recovery key</source>
        <translation>用恢复密钥解锁</translation>
    </message>
    <message>
        <source>Enter the recovery key you wrote down when the ledger was created, and choose a new passphrase.</source>
        <translation>请输入创建台账时抄写的恢复密钥，并设置新密码。</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <source>Overview</source>
        <translation>概览</translation>
    </message>
    <message>
        <source>Meetings</source>
        <translation>会议记录</translation>
    </message>
    <message>
        <source>Pioneer posts</source>
        <translation>先锋岗</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>党员</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Records of this kind are read-only here.</source>
        <translation>这类记录在本机只能查看。</translation>
    </message>
    <message>
        <source>Restore unsaved drafts</source>
        <translation>恢复未保存的草稿</translation>
    </message>
    <message>
        <source>{0} unsaved drafts were kept from last time. Open them again?</source>
        <translation>上次有 {0} 份未保存的草稿，要重新打开吗？</translation>
    </message>
    <message>
        <source>Open the drafts</source>
        <translation>打开草稿</translation>
    </message>
    <message>
        <source>Discard these drafts for good?</source>
        <translation>永久放弃这些草稿吗？</translation>
    </message>
    <message>
        <source>Discard the drafts</source>
        <translation>放弃草稿</translation>
    </message>
</context>
</TS>
